"""Where a long-waiting RPC was stuck when it was cancelled: the one clue a rare stall leaves.

A call that the client gave up on after `SLOW_INTERRUPT_SECONDS` logs the innermost frames of
its cancellation, i.e. the await that never completed (a database call, a lock, a peer).
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

SLOW_INTERRUPT_SECONDS = 2.0
_FRAMES = 8

_log = logging.getLogger("stint.kit.grpc.interceptors")


def log_where_it_waited(method: str, waited: float, tb: TracebackType | None) -> None:
    if waited < SLOW_INTERRUPT_SECONDS or tb is None:
        return
    frames = "".join(traceback.format_tb(tb)[-_FRAMES:])
    _log.warning(
        "grpc %s interrupted after %.1f s, waiting in:\n%s",
        method,
        waited,
        frames,
        extra={"grpc_method": method, "duration_ms": waited * 1e3},
    )
