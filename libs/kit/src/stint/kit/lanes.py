"""The ordering and commit bookkeeping of one assigned partition, without I/O.

`stint.kit.consumer` feeds it fetched records and finished ones; it answers which records may
start now and which offset may be committed (tests/unit/test_consumer_lanes.py).
"""

from __future__ import annotations

from collections import deque
from typing import Any, Protocol


class Record(Protocol):
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...


class Partition:
    """What one assigned partition owes: its lanes and its low watermark. No I/O, so the
    ordering and commit rules are tested on their own (tests/unit/test_consumer_lanes.py)."""

    def __init__(self) -> None:
        self._lanes: dict[bytes, deque[Any]] = {}  # keyed records admitted; head may run
        self._admitted = 0
        self._barrier: Any = None  # the running keyless record, alone in the partition
        self._held: deque[Any] = deque()  # arrived behind a keyless record, in order
        self._pending: deque[int] = deque()  # offsets seen and not done, in offset order
        self._done: set[int] = set()  # done, but behind an unfinished one
        self._next: int | None = None  # one past the last offset seen
        self.committed: int | None = None
        self.draining = False  # revoked or stopping: start nothing more
        self.running = 0  # records being dispatched now (kept by the consumer)

    @property
    def unfinished(self) -> int:
        return len(self._pending) - len(self._done)

    def add(self, record: Record) -> list[Any]:
        """Take a fetched record (in offset order); return those that may start now."""
        if self._next is not None and record.offset < self._next:
            return []  # seen already
        self._pending.append(record.offset)
        self._next = record.offset + 1
        if self._barrier is not None or self._held:
            self._held.append(record)
            return []
        return self._admit(record)

    def finish(self, record: Record) -> list[Any]:
        """Mark a started record done; return the records it unblocks."""
        self._done.add(record.offset)
        while self._pending and self._pending[0] in self._done:
            self._done.discard(self._pending.popleft())
        ready: list[Any] = []
        if record is self._barrier:
            self._barrier = None
        else:
            assert record.key is not None
            lane = self._lanes[record.key]
            lane.popleft()
            self._admitted -= 1
            if lane:
                ready.append(lane[0])
            else:
                del self._lanes[record.key]
        while self._held and self._barrier is None:
            if self._held[0].key is None and self._admitted:
                break  # a keyless record waits for everything before it
            ready += self._admit(self._held.popleft())
        return ready

    def watermark(self) -> int | None:
        """The offset to commit: the lowest not done, or one past the last seen."""
        return self._pending[0] if self._pending else self._next

    def commitable(self) -> int | None:
        mark = self.watermark()
        if mark is None or (self.committed is not None and mark <= self.committed):
            return None
        return mark

    def _admit(self, record: Record) -> list[Any]:
        if record.key is None:
            if self._admitted:
                self._held.append(record)
                return []
            self._barrier = record
            return [record]
        lane = self._lanes.setdefault(record.key, deque())
        lane.append(record)
        self._admitted += 1
        return [record] if len(lane) == 1 else []
