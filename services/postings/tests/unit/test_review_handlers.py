"""Publishing through review, the admins' decisions and flags, over in-memory stores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from postings.domain.commands import CreatePosting, UpdatePosting
from postings.domain.model import Posting
from postings.domain.review import ReviewStatus
from postings.domain.validation import Policy
from postings.domain.values import Status, Terms, Visibility
from postings.handlers import Handlers
from stint.kit.actor import Actor, Cause
from stint.kit.envelope import EventFactory
from stint.kit.errors import FailedPrecondition, NotFound, PermissionDenied
from stint.kit.testing.clock import ManualClock
from stint.postings.v1 import events_pb2

from .fakes import FakeCompanies
from .test_handlers import FakeRepository


@pytest.fixture
def repo(now: datetime) -> FakeRepository:
    return FakeRepository(
        EventFactory(source="/stint/postings", topic="stint.postings.v1", clock=ManualClock(now))
    )


@pytest.fixture
def store() -> FakeCompanies:
    return FakeCompanies()


@pytest.fixture
def handlers(repo: FakeRepository, store: FakeCompanies, now: datetime) -> Handlers:
    policy = Policy(prohibited_work=("unpaid trial",))
    return Handlers.build(repo, store, ManualClock(now), policy, next_id=lambda: "pst_1")


def as_(actors: dict[str, Actor], role: str) -> Cause:
    return Cause(actors[role], correlation_id="req-1")


async def published(handlers: Handlers, terms: Terms, actors: dict[str, Actor]) -> Posting:
    draft = await handlers.commands.create(CreatePosting("", terms), as_(actors, "employer"))
    return await handlers.commands.publish(draft.id, 0, as_(actors, "employer"))


async def test_an_unverified_company_waits_for_review_and_an_admin_opens_it(
    handlers: Handlers,
    repo: FakeRepository,
    make_terms: Callable[..., Terms],
    actors: dict[str, Actor],
) -> None:
    pending = await published(handlers, make_terms(), actors)
    assert pending.status is Status.PENDING_REVIEW
    assert pending.review is not None
    assert [f.code for f in pending.review.findings] == ["unverified_company"]
    assert repo.types() == ["PostingCreated", "PostingSubmittedForReview"]
    with pytest.raises(NotFound):  # students do not see it
        await handlers.views.get(pending.id, actors["student"])
    with pytest.raises(PermissionDenied):
        await handlers.review.approve(pending.id, 0, as_(actors, "employer"))
    opened = await handlers.review.approve(pending.id, 0, as_(actors, "admin"))
    assert opened.status is Status.OPEN
    assert opened.published_at is not None
    assert repo.types()[-2:] == ["PostingReviewApproved", "PostingPublished"]


async def test_a_verified_company_with_a_finding_still_goes_to_review(
    handlers: Handlers,
    store: FakeCompanies,
    make_terms: Callable[..., Terms],
    actors: dict[str, Actor],
) -> None:
    store.verified("cmp_acme", "Acme Analytics")
    posting = await published(handlers, make_terms(title="Unpaid trial for analysts"), actors)
    assert posting.status is Status.PENDING_REVIEW
    assert posting.review is not None
    assert [f.code for f in posting.review.findings] == ["prohibited_work"]
    assert posting.company_name == "Acme Analytics"


async def test_a_verified_clean_posting_opens_and_carries_the_company_name(
    handlers: Handlers,
    repo: FakeRepository,
    store: FakeCompanies,
    make_terms: Callable[..., Terms],
    actors: dict[str, Actor],
) -> None:
    store.verified("cmp_acme", "Acme Analytics")
    posting = await published(handlers, make_terms(), actors)
    assert posting.status is Status.OPEN
    assert posting.company_name == "Acme Analytics"
    event = events_pb2.PostingPublished.FromString(repo.published[-1].data)
    assert event.posting.company_name == "Acme Analytics"
    assert event.posting.review.status == 1  # REVIEW_STATUS_NOT_REQUIRED


async def test_decline_then_edit_and_publish_resubmits(
    handlers: Handlers,
    repo: FakeRepository,
    make_terms: Callable[..., Terms],
    actors: dict[str, Actor],
) -> None:
    pending = await published(handlers, make_terms(), actors)
    declined = await handlers.review.decline(pending.id, " fee too low ", 0, as_(actors, "admin"))
    assert declined.status is Status.DRAFT
    assert declined.review is not None
    assert (declined.review.status, declined.review.reason) == (
        ReviewStatus.DECLINED,
        "fee too low",
    )
    event = events_pb2.PostingReviewDeclined.FromString(repo.published[-1].data)
    assert event.reason == "fee too low"
    edit = UpdatePosting(pending.id, make_terms(title="A better title"), ("title",))
    await handlers.commands.update(edit, as_(actors, "employer"))
    again = await handlers.commands.publish(pending.id, 0, as_(actors, "employer"))
    assert again.status is Status.PENDING_REVIEW


async def test_flags_and_takedown(
    handlers: Handlers,
    repo: FakeRepository,
    store: FakeCompanies,
    make_terms: Callable[..., Terms],
    actors: dict[str, Actor],
) -> None:
    store.verified("cmp_acme")
    posting = await published(handlers, make_terms(), actors)
    with pytest.raises(PermissionDenied):
        await handlers.review.flag(posting.id, "mine", as_(actors, "employer"))
    with pytest.raises(PermissionDenied):
        await handlers.review.flag(posting.id, "admin", as_(actors, "admin"))
    flagged = await handlers.review.flag(posting.id, "asks for a fee", as_(actors, "student"))
    await handlers.review.flag(posting.id, "spam", as_(actors, "other_employer"))
    assert flagged.status is Status.OPEN
    seen = await handlers.views.get(posting.id, actors["student"])
    assert seen.review is None  # the review is the company's and the admins'
    own = await handlers.views.get(posting.id, actors["employer"])
    assert own.review is not None
    assert own.review.flag_count == 2
    down = await handlers.review.take_down(posting.id, "scam", 0, as_(actors, "admin"))
    assert down.status is Status.TAKEN_DOWN
    assert repo.types()[-3:] == ["PostingFlagged", "PostingFlagged", "PostingTakenDown"]
    with pytest.raises(FailedPrecondition):
        await handlers.review.flag(posting.id, "again", as_(actors, "student"))


async def test_other_companies_flag_only_public_postings(
    handlers: Handlers,
    store: FakeCompanies,
    make_terms: Callable[..., Terms],
    actors: dict[str, Actor],
) -> None:
    store.verified("cmp_acme")
    aimed = make_terms(visibility=Visibility.UNIVERSITIES, university_ids=("uni_mit",))
    posting = await published(handlers, aimed, actors)
    with pytest.raises(NotFound):
        await handlers.review.flag(posting.id, "x", as_(actors, "other_employer"))
    with pytest.raises(NotFound):
        await handlers.review.flag(posting.id, "x", as_(actors, "other_university"))
    await handlers.review.flag(posting.id, "x", as_(actors, "university"))
