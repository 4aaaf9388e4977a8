"""What the use cases need from outside: the postings repository (adapters/repository.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from postings.domain.access import Scope
from postings.domain.commands import ListQuery
from postings.domain.company import Company, CompanyEventKind, Verification
from postings.domain.events import DomainEvent
from postings.domain.model import Posting
from postings.domain.saved_search import SavedSearch
from stint.kit.actor import Cause
from stint.kit.paging import Page, PageRequest


@dataclass(frozen=True)
class Loaded:
    """A posting as read, plus the consumed event ids already applied to it."""

    posting: Posting
    applied_events: tuple[str, ...] = ()


class Repository(Protocol):
    """Postings and their events, written together. The repository numbers the versions (a
    new posting is version 1, each save one more than the state it replaces) and turns the
    domain events into envelopes carrying the posting as saved and the `cause`."""

    async def load(self, posting_id: str) -> Loaded | None: ...

    async def add(self, posting: Posting, events: Sequence[DomainEvent], cause: Cause) -> Posting:
        """Insert a new posting with its events; the posting as stored (version 1)."""
        ...

    async def save(
        self,
        before: Loaded,
        after: Posting,
        events: Sequence[DomainEvent],
        cause: Cause,
        applied: str = "",
    ) -> Posting:
        """Replace `before` by `after` with its events and (for a consumer) the id of the
        event `applied`, in one write; ConcurrencyConflict when someone else wrote first."""
        ...

    async def page(self, scope: Scope, query: ListQuery, request: PageRequest) -> Page[Posting]:
        """One page of the postings in `scope` matching `query`, in the query's order."""
        ...

    async def review_queue(self, request: PageRequest) -> Page[Posting]:
        """One page of the postings awaiting an admin's review, oldest entry first."""
        ...


class Companies(Protocol):
    """Company profiles and their events, written together (adapters/company_repository.py)."""

    async def load(self, company_id: str) -> Company | None: ...

    async def save(
        self, before: Company, after: Company, events: list[CompanyEventKind], cause: Cause
    ) -> Company:
        """Insert (`before` never saved: version 0) or replace `before`; ConcurrencyConflict
        (or AlreadyExists for a racing insert) when someone else wrote first."""
        ...

    async def page(self, status: Verification | None, request: PageRequest) -> Page[Company]: ...


class SavedSearches(Protocol):
    """Students' saved searches and their alerts (adapters/saved_search_repository.py)."""

    async def load(self, search_id: str) -> SavedSearch | None: ...

    async def of_student(self, student_id: str) -> list[SavedSearch]:
        """Every search of the student (at most 20), newest first."""
        ...

    async def page(self, student_id: str, request: PageRequest) -> Page[SavedSearch]: ...

    async def add(self, search: SavedSearch) -> SavedSearch:
        """Insert at version 1; AlreadyExists when the (student, slot) is taken."""
        ...

    async def delete(self, search: SavedSearch) -> None:
        """Remove it; ConcurrencyConflict when it changed since loaded."""
        ...

    async def candidates(self, keys: Sequence[str]) -> list[SavedSearch]:
        """The searches keyed by any of `keys` (indexed equality per key)."""
        ...

    async def alerted(
        self,
        before: SavedSearch,
        after: SavedSearch,
        posting: Posting,
        skills: Sequence[str],
        cause: Cause,
    ) -> None:
        """`after` (with the posting alerted) and its SavedSearchMatched in one write;
        ConcurrencyConflict when someone else wrote first."""
        ...
