"""What the use cases need from the outside world, and what they share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from applications.adapters import wire
from applications.domain import events as ev
from applications.domain.commands import Limits, ListFilter
from applications.domain.model import Application
from applications.domain.posting import PostingView
from stint.kit.clock import Clock
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import ConcurrencyConflict

T = TypeVar("T")


class Repository(Protocol):
    """Persistence of applications and of the posting projection (adapters/repository.py)."""

    async def get_application(self, application_id: str) -> Application | None: ...
    async def add_application(self, app: Application, events: Sequence[Envelope]) -> None: ...
    async def save_application(
        self, app: Application, expected_version: int, events: Sequence[Envelope] = ()
    ) -> None: ...
    async def list_applications(self, f: ListFilter) -> list[Application]: ...
    async def waiting_for_posting(
        self, posting_id: str, after_id: str, limit: int
    ) -> list[Application]: ...
    async def get_posting(self, posting_id: str) -> PostingView | None: ...
    async def save_posting(
        self, view: PostingView, expected_version: int, events: Sequence[Envelope] = ()
    ) -> None: ...


@dataclass(frozen=True)
class Deps:
    """Everything a use case needs; built once in bootstrap."""

    repo: Repository
    events: EventFactory
    clock: Clock
    limits: Limits = field(default_factory=Limits)
    write_attempts: int = 5

    def envelope(self, event: ev.ApplicationChanged | ev.CandidateHired) -> Envelope:
        """The envelope of a domain event; subject and key are always the application id."""
        return self.events(wire.event_message(event), subject=event.application.id)

    async def retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run load-decide-save again after a lost optimistic race, a bounded number of times;
        the last ConcurrencyConflict reaches the caller (ABORTED, or a consumer retry)."""
        for _ in range(self.write_attempts - 1):
            try:
                return await attempt()
            except ConcurrencyConflict:
                continue
        return await attempt()
