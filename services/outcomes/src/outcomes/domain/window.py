"""The time range of a report: from inclusive, to exclusive, either side open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from stint.kit.errors import InvalidArgument


@dataclass(frozen=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None

    def contains(self, when: datetime | None) -> bool:
        if when is None:
            return False
        if self.start is not None and when < self.start:
            return False
        return self.end is None or when < self.end


def checked_window(start: datetime | None, end: datetime | None, max_days: int) -> Window:
    """The range asked for, refused when `end` is not after `start` or when it spans more than
    `max_days` (an open side counts as unbounded only when the other is open too)."""
    if start is not None and end is not None:
        if end <= start:
            raise InvalidArgument.of("to_time", "must be after from_time")
        if end - start > timedelta(days=max_days):
            raise InvalidArgument.of("to_time", f"must be at most {max_days} days after from_time")
    return Window(start, end)
