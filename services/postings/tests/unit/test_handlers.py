"""Use cases with an in-memory repository: events produced, idempotent consumers, timer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from postings.adapters import wire
from postings.domain.access import Scope
from postings.domain.commands import CreatePosting, ListQuery, UpdatePosting
from postings.domain.errors import PostingNotFound
from postings.domain.events import DomainEvent
from postings.domain.model import Posting
from postings.domain.validation import Policy
from postings.domain.values import Status, Terms
from postings.handlers import Handlers, Loaded
from stint.kit.actor import Actor, Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import ConcurrencyConflict, FailedPrecondition, InvalidArgument
from stint.kit.money import Money
from stint.kit.outbox import remember_applied
from stint.kit.paging import Page, PageRequest
from stint.kit.testing.clock import ManualClock
from stint.postings.v1 import events_pb2

from .fakes import FakeCompanies


class FakeRepository:
    """Keeps postings in memory with the real repository's version rules, and turns domain
    events into envelopes through the same wire."""

    def __init__(self, events: EventFactory) -> None:
        self.events = events
        self.docs: dict[str, Loaded] = {}
        self.published: list[Envelope] = []
        self.conflicts_to_raise = 0

    async def load(self, posting_id: str) -> Loaded | None:
        return self.docs.get(posting_id)

    async def add(self, posting: Posting, events: Sequence[DomainEvent], cause: Cause) -> Posting:
        posting = replace(posting, version=1)
        self.docs[posting.id] = Loaded(posting)
        self.published.extend(wire.envelopes(self.events, posting, events, cause))
        return posting

    async def save(
        self,
        before: Loaded,
        after: Posting,
        events: Sequence[DomainEvent],
        cause: Cause,
        applied: str = "",
    ) -> Posting:
        current = self.docs[after.id]
        if self.conflicts_to_raise or current.posting.version != before.posting.version:
            self.conflicts_to_raise = max(0, self.conflicts_to_raise - 1)
            raise ConcurrencyConflict("changed")
        after = replace(after, version=before.posting.version + 1)
        ids = before.applied_events
        if applied:
            ids = tuple(remember_applied({"applied_events": list(ids)}, applied))
        self.docs[after.id] = Loaded(after, ids)
        self.published.extend(wire.envelopes(self.events, after, events, cause))
        return after

    async def page(self, scope: Scope, query: ListQuery, request: PageRequest) -> Page[Posting]:
        return Page([d.posting for d in self.docs.values()])

    def types(self) -> list[str]:
        return [e.type.rsplit(".", 1)[1] for e in self.published]


@pytest.fixture
def clock(now: datetime) -> ManualClock:
    return ManualClock(now)


@pytest.fixture
def repo(clock: ManualClock) -> FakeRepository:
    return FakeRepository(
        EventFactory(source="/stint/postings", topic="stint.postings.v1", clock=clock)
    )


@pytest.fixture
def companies() -> FakeCompanies:
    return FakeCompanies().verified("cmp_acme")


@pytest.fixture
def handlers(repo: FakeRepository, companies: FakeCompanies, clock: ManualClock) -> Handlers:
    return Handlers.build(repo, companies, clock, Policy(), next_id=lambda: "pst_1")


@pytest.fixture
def employer(actors: dict[str, Actor]) -> Cause:
    return Cause(actors["employer"], correlation_id="req-1")


async def create_open(handlers: Handlers, terms: Terms, ctx: Cause) -> Posting:
    posting = await handlers.commands.create(CreatePosting("", terms), ctx)
    return await handlers.commands.publish(posting.id, 0, ctx)


async def test_create_and_publish_emit_snapshots_with_context(
    handlers: Handlers, repo: FakeRepository, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    posting = await create_open(handlers, make_terms(skills=("Data Viz", "data viz")), employer)
    assert posting.status is Status.OPEN
    assert posting.version == 2
    assert posting.terms.skills == ("data-viz",)
    assert repo.types() == ["PostingCreated", "PostingPublished"]
    published = events_pb2.PostingPublished.FromString(repo.published[1].data)
    assert published.posting.version == 2
    assert published.posting.skills == ["data-viz"]
    assert published.context.actor.role == "employer"
    assert published.context.correlation_id == "req-1"
    assert repo.published[1].subject == "pst_1"


async def test_create_reports_violations_under_the_request_field(
    handlers: Handlers, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        await handlers.commands.create(
            CreatePosting("", make_terms(title="", positions=0)), employer
        )
    assert {v.field for v in caught.value.violations} == {"posting.title", "posting.positions"}


async def test_publishing_a_draft_whose_deadline_passed_is_a_failed_precondition(
    handlers: Handlers, clock: ManualClock, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    draft = await handlers.commands.create(CreatePosting("", make_terms()), employer)
    clock.advance(timedelta(days=8))
    with pytest.raises(FailedPrecondition, match="application_deadline: must be in the future"):
        await handlers.commands.publish(draft.id, 0, employer)


async def test_update_checks_the_expected_version_and_reports_changes(
    handlers: Handlers, repo: FakeRepository, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    posting = await create_open(handlers, make_terms(), employer)
    with pytest.raises(ConcurrencyConflict):
        await handlers.commands.update(
            UpdatePosting(posting.id, make_terms(description="new"), ("description",), 1),
            employer,
        )
    updated = await handlers.commands.update(
        UpdatePosting(posting.id, make_terms(description="new"), ("description",), 2), employer
    )
    assert updated.terms.description == "new"
    changed = events_pb2.PostingUpdated.FromString(repo.published[-1].data).changed_fields
    assert list(changed) == ["description"]
    with pytest.raises(FailedPrecondition, match="title"):
        await handlers.commands.update(
            UpdatePosting(posting.id, make_terms(title="Other"), ("title",)), employer
        )
    with pytest.raises(InvalidArgument, match="mask"):
        await handlers.commands.update(
            UpdatePosting(posting.id, make_terms(), ("version",)), employer
        )


async def test_other_companies_get_not_found(
    handlers: Handlers,
    make_terms: Callable[..., Terms],
    employer: Cause,
    actors: dict[str, Actor],
) -> None:
    posting = await handlers.commands.create(CreatePosting("", make_terms()), employer)
    rival = Cause(actors["other_employer"])
    with pytest.raises(PostingNotFound):
        await handlers.commands.publish(posting.id, 0, rival)
    with pytest.raises(PostingNotFound):
        await handlers.views.get(posting.id, rival.actor)


def hired(application_id: str) -> Callable[[Posting, datetime], tuple[Posting, list]]:  # type: ignore[type-arg]
    return lambda posting, now: posting.record_hire(application_id, now)


async def test_a_consumed_event_applies_once(
    handlers: Handlers, repo: FakeRepository, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    posting = await create_open(handlers, make_terms(positions=2), employer)
    ctx = Cause(Actor("", "system", ""), causation_id="evt_1")
    assert await handlers.reactions.apply_consumed(posting.id, "evt_1", ctx, hired("app_1"))
    assert not await handlers.reactions.apply_consumed(posting.id, "evt_1", ctx, hired("app_1"))
    assert not await handlers.reactions.apply_consumed(posting.id, "evt_2", ctx, hired("app_1"))
    assert repo.docs[posting.id].posting.hired_count == 1
    caused = Cause(Actor("", "system", ""), correlation_id="req-9", causation_id="evt_3")
    assert await handlers.reactions.apply_consumed(posting.id, "evt_3", caused, hired("app_2"))
    assert repo.types()[-1] == "PostingFilled"
    filled = events_pb2.PostingFilled.FromString(repo.published[-1].data)
    assert filled.context.causation_id == "evt_3"
    assert filled.context.correlation_id == "req-9"
    assert filled.posting.hired_count == 2


async def test_a_consumer_retries_lost_races_then_gives_up(
    handlers: Handlers, repo: FakeRepository, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    posting = await create_open(handlers, make_terms(), employer)
    ctx = Cause(Actor("", "system", ""))
    repo.conflicts_to_raise = 2
    assert await handlers.reactions.apply_consumed(posting.id, "evt_1", ctx, hired("app_1"))
    repo.conflicts_to_raise = 99
    with pytest.raises(ConcurrencyConflict):
        await handlers.reactions.apply_consumed(posting.id, "evt_2", ctx, hired("app_2"))


async def test_an_event_for_an_unknown_posting_is_an_error(handlers: Handlers) -> None:
    with pytest.raises(PostingNotFound):
        await handlers.reactions.apply_consumed(
            "pst_x", "evt_1", Cause(Actor("", "", "")), hired("a")
        )


async def test_expiry_timer(
    handlers: Handlers,
    repo: FakeRepository,
    clock: ManualClock,
    make_terms: Callable[..., Terms],
    employer: Cause,
) -> None:
    posting = await create_open(handlers, make_terms(), employer)
    await handlers.reactions.expire(posting.id)  # too early: rewrites the timer field, no event
    assert repo.docs[posting.id].posting.status is Status.OPEN
    assert repo.types() == ["PostingCreated", "PostingPublished"]
    clock.advance(timedelta(days=7))
    await handlers.reactions.expire(posting.id)
    await handlers.reactions.expire(posting.id)
    assert repo.docs[posting.id].posting.status is Status.CLOSED  # still choosing
    assert repo.types().count("PostingClosed") == 1
    clock.advance(timedelta(days=7))  # the default decision deadline: deadline + 7 days
    await handlers.reactions.expire(posting.id)
    await handlers.reactions.expire(posting.id)
    assert repo.docs[posting.id].posting.status is Status.EXPIRED
    assert repo.types().count("PostingDecisionDeadlinePassed") == 1
    assert repo.types().count("PostingExpired") == 1
    expired = events_pb2.PostingExpired.FromString(repo.published[-1].data)
    assert expired.context.actor.role == "system"


async def test_pay_floor_rejection_on_create(
    handlers: Handlers, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    underpaid = make_terms(estimated_hours=40, fee=Money(79_900, "USD"))
    with pytest.raises(InvalidArgument) as caught:
        await handlers.commands.create(CreatePosting("", underpaid), employer)
    [violation] = caught.value.violations
    assert violation.field == "posting.fee.amount_minor"
    assert "USD 800.00" in violation.description


async def test_a_wrong_state_edit_is_reported_before_bad_values(
    handlers: Handlers, make_terms: Callable[..., Terms], employer: Cause
) -> None:
    posting = await create_open(handlers, make_terms(), employer)
    bad_title = UpdatePosting(posting.id, make_terms(title=""), ("title",))
    with pytest.raises(FailedPrecondition, match="title cannot change"):
        await handlers.commands.update(bad_title, employer)
    await handlers.commands.close(posting.id, 0, employer)
    bad_description = UpdatePosting(
        posting.id, make_terms(description="x" * 20_000), ("description",)
    )
    with pytest.raises(FailedPrecondition, match="cannot update"):
        await handlers.commands.update(bad_description, employer)
