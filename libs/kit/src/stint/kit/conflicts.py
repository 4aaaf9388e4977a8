"""Load, decide, save: retried when someone else changed the aggregate in between.

Versioned writes (`stint.kit.outbox.OutboxCollection.update`) raise `ConcurrencyConflict` when
the document moved since it was read. The operation then runs again from the load, so the
decision is made on the state it changes; after `attempts` conflicts in a row the conflict goes
to the caller (ABORTED over gRPC: a client may retry).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from stint.kit.errors import ConcurrencyConflict

T = TypeVar("T")
# Enough for the contention one aggregate sees (a few writers at once: a request, a consumer,
# a timer); more only delays the answer the caller has to handle anyway.
DEFAULT_ATTEMPTS = 5


async def retry_on_conflict(
    operation: Callable[[], Awaitable[T]], *, attempts: int = DEFAULT_ATTEMPTS
) -> T:
    """Run `operation` (the whole load-decide-save) until it completes without a conflict."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(1, attempts + 1):
        try:
            return await operation()
        except ConcurrencyConflict:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
