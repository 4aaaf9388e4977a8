"""Use cases with an in-memory store: idempotency, authorization, lists, timers, records."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from stint.kit.actor import Actor, Cause
from stint.kit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from stint.kit.ids import new_id
from stint.kit.paging import page_request
from stint.kit.testing.clock import ManualClock
from submissions.adapters.signing import KeyRing, verify
from submissions.domain import commands as cmd
from submissions.domain import record
from submissions.domain.errors import AiUseForbidden
from submissions.domain.model import AiPolicy, Artifact, Engagement, Party, Status, Windows
from submissions.handlers import Handlers

from .fakes import T0, FakeDisputes, FakeOffers, FakeStore, hire

ART = (Artifact("deck.pdf", "https://files.example/deck.pdf", "cd" * 32),)


class World:
    def __init__(self) -> None:
        self.clock = ManualClock(T0)
        self.store = FakeStore()
        self.keys = KeyRing.from_seed(b"\x07" * 32, "k1")
        self.disputes = FakeDisputes(self.store.events)
        self.offers = FakeOffers(self.store.events)
        self.h = Handlers.build(
            self.store,
            self.clock,
            self.keys,
            Windows(),
            default_revision_limit=2,
            disputes=self.disputes,
            offers=self.offers,
        )
        self.records = self.h.records

    async def engagement(self, policy: AiPolicy = AiPolicy.DISCLOSE) -> Engagement:
        """Hired and funded: ACTIVE."""
        e = await self.unfunded(policy)
        assert await self.h.engagements.fund(self.funded(e), Cause.system())
        return self.store.docs[e.id]

    async def unfunded(self, policy: AiPolicy = AiPolicy.DISCLOSE) -> Engagement:
        h = hire(policy)
        assert await self.h.engagements.start(h, Cause.system(), new_id("evt"))
        return next(e for e in self.store.docs.values() if e.application_id == h.application_id)

    def funded(self, e: Engagement) -> cmd.Funded:
        """The FundingSecured payouts emits for the engagement."""
        return cmd.Funded(e.id, "fnd_" + e.id[4:], self.clock.now())

    def as_student(self, e: Engagement) -> Cause:
        return Cause(Actor(e.student_id, "student", e.university_id), "req-1")

    def as_employer(self, e: Engagement) -> Cause:
        return Cause(Actor("usr_boss", "employer", e.company_id), "req-2")

    def as_admin(self) -> Cause:
        return Cause(Actor("usr_ops", "admin"), "req-3")

    async def submit(self, e: Engagement) -> None:
        work = cmd.SubmitWork(e.id, "done", ART, False, "")
        await self.h.engagements.submit_work(work, self.as_student(e))

    async def complete(self, e: Engagement) -> None:
        await self.submit(e)
        await self.h.reviews.approve(cmd.ReviewWork(e.id, 1, ""), self.as_employer(e))


@pytest.fixture
def w() -> World:
    return World()


async def test_a_hire_redelivered_creates_one_engagement(w: World) -> None:
    h = hire()
    assert await w.h.engagements.start(h, Cause.system(), "evt_1")
    assert not await w.h.engagements.start(h, Cause.system(), "evt_2")
    assert list(w.store.docs) == ["eng_" + h.application_id[4:]]
    assert w.store.kinds() == []  # started only once funded (test_funding_handlers.py)


async def test_a_hire_without_an_application_id_is_refused(w: World) -> None:
    bad = dataclasses.replace(hire(), application_id="nope", student_id="")
    with pytest.raises(InvalidArgument) as raised:
        await w.h.engagements.start(bad, Cause.system(), "evt_1")
    assert {v.field for v in raised.value.violations} == {
        "application.id",
        "application.student_id",
    }
    assert w.store.docs == {}


async def test_strangers_see_nothing_and_parties_act_only_in_their_role(w: World) -> None:
    e = await w.engagement()
    stranger = Actor(new_id("usr"), "student")
    other_company = Actor("usr_x", "employer", new_id("cmp"))
    for actor in (stranger, other_company, Actor("usr_u", "university", "")):
        with pytest.raises(NotFound):
            await w.h.views.get(e.id, actor)
    assert (await w.h.views.get(e.id, Actor("usr_u", "university", e.university_id))).id == e.id
    with pytest.raises(Unauthenticated):
        await w.h.views.get(e.id, Actor("", ""))
    with pytest.raises(PermissionDenied):
        await w.h.engagements.submit_work(
            cmd.SubmitWork(e.id, "x", ART, False, ""), w.as_employer(e)
        )
    await w.submit(e)
    with pytest.raises(PermissionDenied):
        await w.h.reviews.approve(cmd.ReviewWork(e.id, 1, ""), w.as_student(e))


async def test_ai_policy_is_enforced_on_submission(w: World) -> None:
    e = await w.engagement(AiPolicy.NOT_ALLOWED)
    with pytest.raises(AiUseForbidden):
        await w.h.engagements.submit_work(
            cmd.SubmitWork(e.id, "x", ART, True, "a bit"), w.as_student(e)
        )
    d = await w.engagement(AiPolicy.DISCLOSE)
    with pytest.raises(InvalidArgument) as raised:
        await w.h.engagements.submit_work(
            cmd.SubmitWork(d.id, "n" * 6000, ART, True, ""), w.as_student(d)
        )
    assert {v.field for v in raised.value.violations} == {"note", "ai_disclosure"}


async def test_approval_replayed_emits_nothing_more(w: World) -> None:
    e = await w.engagement()
    await w.complete(e)
    again = await w.h.reviews.approve(cmd.ReviewWork(e.id, 1, ""), w.as_employer(e))
    assert again.status is Status.COMPLETED
    assert w.store.kinds().count("SubmissionApproved") == 1
    approved = next(c for x, c in w.store.events if type(x).__name__ == "SubmissionApproved")
    assert approved.correlation_id == "req-2"


async def test_a_lost_race_is_a_concurrency_conflict(w: World) -> None:
    e = await w.engagement()
    await w.submit(e)
    w.store.conflicts = 1
    with pytest.raises(ConcurrencyConflict):
        await w.h.reviews.approve(cmd.ReviewWork(e.id, 1, ""), w.as_employer(e))
    assert "SubmissionApproved" not in w.store.kinds()


async def test_revision_needs_feedback_and_respects_the_limit(w: World) -> None:
    e = await w.engagement()
    for n in (1, 2):
        await w.submit(e)
        with pytest.raises(InvalidArgument):
            await w.h.reviews.request_revision(cmd.ReviewWork(e.id, n, " "), w.as_employer(e))
        await w.h.reviews.request_revision(
            cmd.ReviewWork(e.id, n, "more sources"), w.as_employer(e)
        )
    await w.submit(e)
    with pytest.raises(FailedPrecondition):
        await w.h.reviews.request_revision(cmd.ReviewWork(e.id, 3, "again"), w.as_employer(e))
    with pytest.raises(FailedPrecondition):  # the work is in: review it, do not walk away
        await w.h.engagements.cancel(cmd.Cancel(e.id, "not usable"), w.as_employer(e))
    cancelled = await w.h.engagements.cancel(cmd.Cancel(e.id, "settled"), w.as_admin())
    assert (cancelled.status, cancelled.cancelled_by) == (Status.CANCELLED, Party.PLATFORM)


async def test_either_side_may_leave_before_any_work_but_not_after(w: World) -> None:
    e = await w.engagement()
    withdrawn = await w.h.engagements.withdraw(cmd.Cancel(e.id, " found a job "), w.as_student(e))
    assert (withdrawn.status, withdrawn.cancelled_by) == (Status.CANCELLED, Party.STUDENT)
    assert withdrawn.cancel_reason == "found a job"
    assert w.store.kinds()[-1] == "EngagementCancelled"
    other = await w.engagement()
    with pytest.raises(PermissionDenied):  # only the hired intern withdraws
        await w.h.engagements.withdraw(cmd.Cancel(other.id, "x"), w.as_employer(other))
    with pytest.raises(InvalidArgument):
        await w.h.engagements.withdraw(cmd.Cancel(other.id, "  "), w.as_student(other))
    await w.submit(other)
    with pytest.raises(FailedPrecondition):
        await w.h.engagements.withdraw(cmd.Cancel(other.id, "bored"), w.as_student(other))
    waiting = await w.unfunded()
    cancelled = await w.h.engagements.cancel(cmd.Cancel(waiting.id, "x"), w.as_employer(waiting))
    assert cancelled.cancelled_by is Party.EMPLOYER


async def test_timers_act_once_and_retry_a_lost_race(w: World) -> None:
    e = await w.engagement()
    await w.submit(e)
    await w.h.timers.auto_approve(e.id)  # not due yet
    assert "SubmissionApproved" not in w.store.kinds()
    w.clock.advance(timedelta(days=8))
    w.store.conflicts = 1  # a user's write wins first; the timer decides again
    await w.h.timers.auto_approve(e.id)
    await w.h.timers.auto_approve(e.id)
    assert w.store.kinds().count("SubmissionApproved") == 1
    assert w.store.docs[e.id].status is Status.COMPLETED


async def test_lists_are_scoped_and_paged(w: World) -> None:
    first = await w.engagement()
    company = first.company_id
    mine = [first]
    for _ in range(4):
        e = await w.engagement()
        w.store.docs[e.id].company_id = company
        mine.append(e)
    await w.engagement()  # another company's
    boss = Actor("usr_boss", "employer", company)
    first_page = await w.h.views.list(cmd.ListQuery(page=page_request(3, "")), boss)
    page, token = first_page.items, first_page.next_token
    second_page = await w.h.views.list(cmd.ListQuery(page=page_request(3, token)), boss)
    rest, last = second_page.items, second_page.next_token
    assert len(page) == 3
    assert last == ""
    assert sorted(e.id for e in page + rest) == sorted(e.id for e in mine)
    spying = (await w.h.views.list(cmd.ListQuery(company_id=new_id("cmp")), boss)).items
    assert spying == []
    with pytest.raises(InvalidArgument):  # the kit's one rule, at the gRPC edge
        await w.h.views.list(cmd.ListQuery(page=page_request(0, "garbage!")), boss)


async def test_the_record_is_signed_once_and_resigned_when_ratings_reveal(w: World) -> None:
    e = await w.engagement()
    with pytest.raises(FailedPrecondition):
        await w.records.issue(e.id, w.as_student(e))
    await w.complete(e)
    with pytest.raises(PermissionDenied):
        await w.records.issue(e.id, w.as_employer(e))
    first = await w.records.issue(e.id, w.as_student(e))
    assert (await w.records.issue(e.id, w.as_student(e))).jws == first.jws
    assert first.claims["employer_rating"] == 0
    rate = cmd.GiveFeedback(e.id, 5, "", ("SQL",))
    await w.h.feedback.give(rate, w.as_employer(e))
    await w.h.feedback.give(cmd.GiveFeedback(e.id, 4, "fun"), w.as_student(e))
    with pytest.raises(AlreadyExists):
        await w.h.feedback.give(cmd.GiveFeedback(e.id, 1, ""), w.as_student(e))
    second = await w.records.issue(e.id, w.as_student(e))
    assert second.claims["employer_rating"] == 5
    assert second.claims["endorsed_skills"] == ["SQL"]
    assert verify(second.jws, w.records.jwks()).valid
    assert w.store.kinds().count("ExperienceRecordIssued") == 2


def test_verify_refuses_signed_payloads_that_are_not_records(w: World) -> None:
    foreign = w.keys.sign(b'{"hello":"world"}')
    result = w.records.verify(foreign)
    assert not result.valid
    assert result.reason == "invalid_payload"


async def test_a_record_of_the_old_spelling_verifies_and_is_signed_anew_on_fetch(w: World) -> None:
    e = await w.engagement()
    await w.complete(e)
    first = await w.records.issue(e.id, w.as_student(e))
    legacy = {k: v for k, v in first.claims.items() if k != "company_id"}
    legacy |= {"company": e.company_id, "category": "MARKET_RESEARCH", "employer_rating": None}
    old_jws = w.keys.sign(record.canonical(legacy))
    checked = w.records.verify(old_jws)
    assert (checked.valid, checked.reason, checked.claims) == (True, "ok", first.claims)
    stored = w.store.docs[e.id]
    assert stored.record is not None
    stored.record = dataclasses.replace(stored.record, jws=old_jws)
    again = await w.records.issue(e.id, w.as_student(e))
    assert again.jws != old_jws
    assert record.spelled_currently(again.claims)
    assert again.claims["company_id"] == e.company_id
    assert w.store.kinds().count("ExperienceRecordIssued") == 2
    assert w.records.verify(old_jws).valid  # the student's copy stays valid
