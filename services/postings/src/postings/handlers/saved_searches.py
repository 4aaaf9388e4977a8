"""Saved searches: students save, list, read and delete them; a posting that becomes visible
alerts the searches it matches, each (search, posting) once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from postings.domain import access
from postings.domain.errors import NotAllowed, SavedSearchNotFound
from postings.domain.model import Posting
from postings.domain.saved_search import (
    MAX_PER_STUDENT,
    SavedSearch,
    SearchFilters,
    free_slot,
    posting_keys,
    validate,
)
from postings.handlers.ports import Repository, SavedSearches
from stint.kit.actor import STUDENT, Actor, Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import AlreadyExists, FailedPrecondition
from stint.kit.ids import new_id
from stint.kit.paging import Page, PageRequest

# Concurrent creates of one student race for the same free slot; the loser tries the next.
SLOT_ATTEMPTS = 3


def new_search_id() -> str:
    return new_id("srch")


def _student(actor: Actor) -> Actor:
    if actor.role != STUDENT or not actor.subject:
        raise NotAllowed("only students have saved searches")
    return actor


class SavedSearchCommands:
    def __init__(
        self,
        searches: SavedSearches,
        postings: Repository,
        clock: Clock,
        max_amount_minor: int,
        next_id: Callable[[], str] = new_search_id,
    ) -> None:
        self._searches = searches
        self._postings = postings
        self._clock = clock
        self._max_amount = max_amount_minor
        self._next_id = next_id

    async def create(
        self, filters: SearchFilters, raw_skills: tuple[str, ...], actor: Actor
    ) -> SavedSearch:
        """CreateSavedSearch: a new search of the calling student (their org recorded), at
        most MAX_PER_STUDENT. Emits nothing."""
        student = _student(actor)
        validate(filters, raw_skills, self._max_amount)
        for attempt in range(SLOT_ATTEMPTS):
            taken = {s.slot for s in await self._searches.of_student(student.subject)}
            slot = free_slot(taken)
            if slot is None:
                raise FailedPrecondition(
                    f"at most {MAX_PER_STUDENT} saved searches: delete one first"
                )
            search = SavedSearch(
                self._next_id(), student.subject, student.org, filters, self._now(), slot
            )
            try:
                return await self._searches.add(search)
            except AlreadyExists:
                if attempt == SLOT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def list(self, actor: Actor, request: PageRequest) -> Page[SavedSearch]:
        """ListSavedSearches: the caller's own, newest first."""
        return await self._searches.page(_student(actor).subject, request)

    async def get(self, search_id: str, actor: Actor) -> SavedSearch:
        """GetSavedSearch: one of the caller's own; anyone else's is not found."""
        student = _student(actor)
        search = await self._searches.load(search_id)
        if search is None or search.student_id != student.subject:
            raise SavedSearchNotFound(search_id)
        return search

    async def delete(self, search_id: str, actor: Actor) -> None:
        """DeleteSavedSearch: it alerts no more. Emits nothing."""

        async def attempt() -> None:
            await self._searches.delete(await self.get(search_id, actor))

        await retry_on_conflict(attempt)

    async def posting_visible(self, posting_id: str, cause: Cause) -> int:
        """Consumes PostingPublished / PostingApprovedForUniversity (our own topic): the
        searches keyed by the posting's skills or category (indexed lookups, never every
        search), filtered in memory, each alerted once (SavedSearchMatched). How many."""
        loaded = await self._postings.load(posting_id)
        if loaded is None:
            return 0
        posting = loaded.posting
        alerted = 0
        for candidate in await self._searches.candidates(posting_keys(posting)):
            alerted += await self._alert(candidate, posting, cause)
        return alerted

    async def _alert(self, candidate: SavedSearch, posting: Posting, cause: Cause) -> int:
        """One search alerted for `posting` unless it does not match or already alerted;
        on a lost race the search is read again and decided again."""
        current: SavedSearch | None = candidate

        async def attempt() -> int:
            nonlocal current
            search = current or await self._searches.load(candidate.id)
            current = None  # a retry reads it again (deleted or alerted meanwhile?)
            decided = search.alert(posting) if search else None
            if search is None or decided is None:
                return 0
            after, skills = decided
            shown = access.for_viewer(search.owner, posting)
            await self._searches.alerted(search, after, shown, skills, cause)
            return 1

        return await retry_on_conflict(attempt)

    def _now(self) -> datetime:
        return self._clock.now()
