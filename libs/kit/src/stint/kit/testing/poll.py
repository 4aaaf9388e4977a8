"""Waiting for effects without sleeping a fixed time: poll with a deadline."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T] | T],
    *,
    until: Callable[[T], bool] = bool,
    timeout: float = 15.0,
    interval: float = 0.05,
    what: str = "condition",
) -> T:
    """Call `probe` (sync or async) until `until(result)` holds; return that result, or fail
    at the deadline with the last value seen."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        result = probe()
        last = await result if inspect.isawaitable(result) else result
        if until(last):
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout}s; last value: {last!r}")
