"""What the use cases need from the outside world, and what they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from applications.domain.commands import Limits, ListFilter
from applications.domain.events import ApplicationChanged, CandidateHired
from applications.domain.model import Application
from applications.domain.posting import PostingView
from stint.kit.clock import Clock


class ApplicationRepository(Protocol):
    """Applications (adapters/repository.py); the events are committed with the write."""

    async def get(self, application_id: str) -> Application | None: ...
    async def add(self, app: Application, events: Sequence[ApplicationChanged]) -> None:
        """Raises DuplicateApplication while the student has a live one to the posting."""

    async def save(
        self, app: Application, expected_version: int, events: Sequence[ApplicationChanged] = ()
    ) -> None:
        """Raises ConcurrencyConflict when the stored version is not `expected_version`."""

    async def find(self, f: ListFilter) -> list[Application]:
        """Newest first, after `f.page.after`: up to `f.page.limit` (one more than a page)."""
        ...

    async def waiting_for_posting(
        self, posting_id: str, after_id: str, limit: int
    ) -> list[Application]:
        """The posting's applications still waiting for a decision, in id order."""
        ...


class PostingRepository(Protocol):
    """The local projection of postings, and the hires decided on it."""

    async def get(self, posting_id: str) -> PostingView | None: ...
    async def save(
        self, view: PostingView, expected_version: int, events: Sequence[CandidateHired] = ()
    ) -> None:
        """Insert (expected_version 0) or replace; a lost race is a ConcurrencyConflict."""


@dataclass(frozen=True)
class Deps:
    """Everything a use case needs; built once in bootstrap (`write_attempts`: how often a
    load-decide-save runs again after a lost optimistic race)."""

    applications: ApplicationRepository
    postings: PostingRepository
    clock: Clock
    limits: Limits = field(default_factory=Limits)
    write_attempts: int = 5
