"""Saved searches: matching rules, the bound per student, own-only access, alerts once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from postings.adapters.saved_search_wire import matched_out
from postings.domain.errors import NotAllowed, SavedSearchNotFound
from postings.domain.model import Posting
from postings.domain.saved_search import (
    MAX_PER_STUDENT,
    SavedSearch,
    SearchFilters,
    match_keys,
    matches,
    posting_keys,
)
from postings.domain.values import Category, Decision, Status, UniversityTarget, Visibility
from postings.handlers import Loaded
from postings.handlers.saved_searches import SavedSearchCommands
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict, FailedPrecondition, InvalidArgument
from stint.kit.money import Money
from stint.kit.paging import Page, PageRequest
from stint.kit.testing.clock import ManualClock
from stint.postings.v1 import saved_search_pb2

from .conftest import NOW, STUDENT, STUDENT_ELSEWHERE, STUDENT_NO_UNI, UNIVERSITY, posting


class FakeSearches:
    def __init__(self, events: EventFactory) -> None:
        self.events = events
        self.docs: dict[str, SavedSearch] = {}
        self.published: list[Envelope] = []
        self.lookups: list[str] = []

    async def load(self, search_id: str) -> SavedSearch | None:
        return self.docs.get(search_id)

    async def of_student(self, student_id: str) -> list[SavedSearch]:
        found = [s for s in self.docs.values() if s.student_id == student_id]
        return sorted(found, key=lambda s: s.id, reverse=True)

    async def page(self, student_id: str, request: PageRequest) -> Page[SavedSearch]:
        rows = [s for s in await self.of_student(student_id) if s.id < (request.after or "~")]
        return Page.of(rows[: request.limit], request, lambda s: s.id)

    async def add(self, search: SavedSearch) -> SavedSearch:
        if any(
            s.student_id == search.student_id and s.slot == search.slot for s in self.docs.values()
        ):
            raise AlreadyExists("slot")
        self.docs[search.id] = replace(search, version=1)
        return self.docs[search.id]

    async def delete(self, search: SavedSearch) -> None:
        if self.docs.get(search.id) != search:
            raise ConcurrencyConflict("changed")
        del self.docs[search.id]

    async def candidates(self, keys: Sequence[str]) -> list[SavedSearch]:
        self.lookups.extend(keys)
        return [s for s in self.docs.values() if set(match_keys(s.filters)) & set(keys)]

    async def alerted(
        self,
        before: SavedSearch,
        after: SavedSearch,
        posting: Posting,
        skills: Sequence[str],
        cause: Cause,
    ) -> None:
        if self.docs[before.id].version != before.version:
            raise ConcurrencyConflict("changed")
        self.docs[after.id] = replace(after, version=before.version + 1)
        self.published.append(self.events(matched_out(after, posting, skills, cause), after.id))


class FakePostings:
    def __init__(self) -> None:
        self.docs: dict[str, Loaded] = {}

    async def load(self, posting_id: str) -> Loaded | None:
        return self.docs.get(posting_id)


@pytest.fixture
def searches() -> FakeSearches:
    clock = ManualClock(NOW)
    return FakeSearches(EventFactory(source="/stint/postings", topic="t", clock=clock))


@pytest.fixture
def postings() -> FakePostings:
    return FakePostings()


@pytest.fixture
def commands(searches: FakeSearches, postings: FakePostings) -> SavedSearchCommands:
    ids = iter(f"srch_{i:03d}" for i in range(100))
    return SavedSearchCommands(
        searches,
        postings,  # type: ignore[arg-type]
        ManualClock(NOW),
        10_000_000,
        next_id=lambda: next(ids),
    )


def filters(**changes: object) -> SearchFilters:
    return replace(SearchFilters("Research", skills=("excel",)), **changes)  # type: ignore[arg-type]


def test_matching_rules() -> None:
    p = posting(Status.OPEN, description="Use **Python** to clean the data")
    assert matches(filters(), p) == ("excel",)
    assert matches(filters(skills=("excel", "sql")), p) == ("excel",)
    assert matches(filters(skills=("sql",)), p) is None
    assert matches(filters(words=("python", "DATA")), p) == ("excel",)  # the description too
    assert matches(filters(words=("java",)), p) is None
    assert matches(filters(category=Category.DESIGN), p) is None
    assert matches(filters(skills=(), category=Category.MARKET_RESEARCH), p) == ()
    assert matches(filters(fee_min=Money(50_000, "USD")), p) == ("excel",)
    assert matches(filters(fee_min=Money(50_001, "USD")), p) is None
    assert matches(filters(fee_min=Money(1, "EUR")), p) is None


def test_keys_are_skills_else_the_category() -> None:
    assert match_keys(filters(skills=("excel", "sql"))) == ("skill:excel", "skill:sql")
    assert match_keys(filters(skills=(), category=Category.DESIGN)) == ("category:DESIGN",)
    assert posting_keys(posting()) == (
        "skill:excel",
        "skill:market-research",
        "category:MARKET_RESEARCH",
    )


async def test_create_validates_and_records_the_org(commands: SavedSearchCommands) -> None:
    made = await commands.create(filters(), ("Excel",), STUDENT)
    assert (made.id, made.student_id, made.university_id, made.version) == (
        "srch_000",
        "usr_kim",
        "uni_mit",
        1,
    )
    with pytest.raises(InvalidArgument) as caught:
        await commands.create(filters(skills=(), name=" ", words=("x" * 51,)), (), STUDENT)
    fields = {v.field for v in caught.value.violations}
    assert fields == {"saved_search.name", "saved_search.query", "saved_search.skills"}
    with pytest.raises(InvalidArgument):
        await commands.create(filters(skills=()), ("+++!",), STUDENT)
    with pytest.raises(NotAllowed):
        await commands.create(filters(), ("excel",), UNIVERSITY)


async def test_at_most_twenty_per_student_and_deleting_frees_one(
    commands: SavedSearchCommands,
) -> None:
    made = [await commands.create(filters(), ("excel",), STUDENT) for _ in range(MAX_PER_STUDENT)]
    assert len({s.slot for s in made}) == MAX_PER_STUDENT
    with pytest.raises(FailedPrecondition):
        await commands.create(filters(), ("excel",), STUDENT)
    await commands.create(filters(), ("excel",), STUDENT_ELSEWHERE)  # others are not bound
    await commands.delete(made[3].id, STUDENT)
    again = await commands.create(filters(), ("excel",), STUDENT)
    assert again.slot == made[3].slot


async def test_only_the_owner_reads_lists_and_deletes(commands: SavedSearchCommands) -> None:
    mine = await commands.create(filters(), ("excel",), STUDENT)
    await commands.create(filters(), ("excel",), STUDENT_ELSEWHERE)
    assert (await commands.get(mine.id, STUDENT)).id == mine.id
    with pytest.raises(SavedSearchNotFound):
        await commands.get(mine.id, STUDENT_ELSEWHERE)
    with pytest.raises(SavedSearchNotFound):
        await commands.delete(mine.id, STUDENT_ELSEWHERE)
    page = await commands.list(STUDENT, PageRequest())
    assert [s.id for s in page.items] == [mine.id]
    await commands.delete(mine.id, STUDENT)
    with pytest.raises(SavedSearchNotFound):
        await commands.get(mine.id, STUDENT)


async def test_a_published_posting_alerts_matching_searches_once(
    commands: SavedSearchCommands, searches: FakeSearches, postings: FakePostings
) -> None:
    hit = await commands.create(filters(skills=("excel", "sql")), ("excel", "sql"), STUDENT)
    await commands.create(filters(skills=("design",)), ("design",), STUDENT)
    await commands.create(filters(words=("java",)), ("excel",), STUDENT_ELSEWHERE)
    p = posting(Status.OPEN)
    postings.docs[p.id] = Loaded(p)
    assert await commands.posting_visible(p.id, Cause.system("c", "evt_1")) == 1
    assert await commands.posting_visible(p.id, Cause.system("c", "evt_2")) == 0  # redelivery
    assert set(searches.lookups) == set(posting_keys(p))
    [sent] = searches.published
    event = saved_search_pb2.SavedSearchMatched.FromString(sent.data)
    assert (sent.subject, event.saved_search_id, event.student_id) == (hit.id, hit.id, "usr_kim")
    assert list(event.matched_skills) == ["excel"]
    assert event.posting.id == p.id
    assert not event.posting.HasField("review")  # what the student sees of it


async def test_a_university_posting_alerts_only_students_it_is_visible_to(
    commands: SavedSearchCommands, searches: FakeSearches, postings: FakePostings
) -> None:
    for student in (STUDENT, STUDENT_ELSEWHERE, STUDENT_NO_UNI):
        await commands.create(filters(), ("excel",), student)
    aimed = posting(Status.OPEN, visibility=Visibility.UNIVERSITIES, university_ids=("uni_mit",))
    aimed = replace(aimed, universities=(UniversityTarget("uni_mit"),))
    postings.docs[aimed.id] = Loaded(aimed)
    assert await commands.posting_visible(aimed.id, Cause.system()) == 0  # not approved yet
    approved = replace(aimed, universities=(UniversityTarget("uni_mit", Decision.APPROVED),))
    postings.docs[aimed.id] = Loaded(approved)
    assert await commands.posting_visible(aimed.id, Cause.system()) == 1
    [sent] = searches.published
    assert saved_search_pb2.SavedSearchMatched.FromString(sent.data).student_id == "usr_kim"


async def test_a_closed_posting_alerts_nobody(
    commands: SavedSearchCommands, searches: FakeSearches, postings: FakePostings
) -> None:
    await commands.create(filters(), ("excel",), STUDENT)
    p = posting(Status.CLOSED)
    postings.docs[p.id] = Loaded(p)
    assert await commands.posting_visible(p.id, Cause.system()) == 0
    assert await commands.posting_visible("pst_unknown", Cause.system()) == 0
    assert searches.published == []
