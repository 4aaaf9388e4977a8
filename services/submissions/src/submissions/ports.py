"""What the use cases need from the outside world (the repository implements it; unit tests
use an in-memory fake)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from submissions.domain.commands import Context
from submissions.domain.events import Event
from submissions.domain.model import Engagement, Status


class EngagementStore(Protocol):
    async def get(self, engagement_id: str) -> Engagement | None: ...

    async def add(
        self, engagement: Engagement, events: Sequence[Event], ctx: Context, applied: str
    ) -> None:
        """Insert; AlreadyExists when the id is taken."""
        ...

    async def save(self, engagement: Engagement, events: Sequence[Event], ctx: Context) -> None:
        """Versioned update with events; ConcurrencyConflict when the version moved."""
        ...

    async def list(
        self, filters: dict[str, str], statuses: Sequence[Status], after: str, limit: int
    ) -> list[Engagement]: ...
