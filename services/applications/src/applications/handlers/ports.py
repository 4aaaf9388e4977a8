"""What the use cases need from the outside world, and what they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from applications.domain.commands import Limits, ListFilter
from applications.domain.events import ApplicationChanged, CandidateHired
from applications.domain.invitation import Invitation, StudentInvited
from applications.domain.model import Application
from applications.domain.posting import PostingView
from applications.domain.profile import StudentProfile
from stint.kit.clock import Clock
from stint.kit.paging import PageRequest


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

    async def first_of_student(self, student_id: str, **equal: str) -> Application | None:
        """One of the student's applications whose fields equal `equal`, or None."""
        ...


class PostingRepository(Protocol):
    """The local projection of postings, and the hires decided on it."""

    async def get(self, posting_id: str) -> PostingView | None: ...
    async def save(
        self, view: PostingView, expected_version: int, events: Sequence[CandidateHired] = ()
    ) -> None:
        """Insert (expected_version 0) or replace; a lost race is a ConcurrencyConflict."""

    async def open_postings(self) -> list[PostingView]:
        """The postings open now (an indexed equality on the status; at most a bound)."""
        ...


class ProfileRepository(Protocol):
    """Student profiles, one per student (adapters/profiles.py)."""

    async def get(self, student_id: str) -> StudentProfile | None: ...
    async def save(self, profile: StudentProfile, expected_version: int) -> None:
        """Insert (expected_version 0) or replace; a lost race is a ConcurrencyConflict."""


class InvitationRepository(Protocol):
    """Invitations; StudentInvited is committed with the new invitation."""

    async def add(self, inv: Invitation, events: Sequence[StudentInvited]) -> None:
        """Raises DuplicateInvitation (ALREADY_EXISTS) for a second one to the same pair."""

    async def save(self, inv: Invitation, expected_version: int) -> None: ...
    async def by_key(self, key: str) -> Invitation | None: ...
    async def find(self, posting_id: str, student_id: str, page: PageRequest) -> list[Invitation]:
        """Newest first after `page.after`: up to `page.limit` (one more than a page)."""
        ...


@dataclass(frozen=True)
class Deps:
    """Everything a use case needs; built once in bootstrap (`write_attempts`: how often a
    load-decide-save runs again after a lost optimistic race)."""

    applications: ApplicationRepository
    postings: PostingRepository
    profiles: ProfileRepository
    invitations: InvitationRepository
    clock: Clock
    limits: Limits = field(default_factory=Limits)
    write_attempts: int = 5
    # Applying right after publish (handlers/catch_up.py): how long a request waits for the
    # projection to learn of a posting, and how recent an unknown posting's id must be to be
    # answered "not ready, retry" rather than "not found".
    catch_up_seconds: float = 0.0
    not_ready_window: timedelta = timedelta(minutes=5)
