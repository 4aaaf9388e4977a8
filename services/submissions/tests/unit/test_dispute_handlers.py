"""Dispute use cases with the in-memory stores: who may do what, the events, the amounts, and
the pair of documents after a crash between their writes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stint.kit.actor import Actor, Cause
from stint.kit.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from stint.kit.ids import new_id
from stint.kit.money import Money
from stint.kit.paging import page_request
from submissions.domain import commands as cmd
from submissions.domain.dispute import DisputeStatus, EvidenceKind, Outcome, Reason
from submissions.domain.errors import DisputeOpen
from submissions.domain.model import Engagement, Status

from .test_handlers import World

ANSWER_WINDOW = timedelta(hours=96)


@pytest.fixture
def w() -> World:
    return World()


def opening(e: Engagement) -> cmd.OpenDispute:
    evidence = (cmd.EvidenceRef(EvidenceKind.ARTIFACT, "1/deck.pdf", "the deck"),)
    return cmd.OpenDispute(e.id, Reason.QUALITY, "Two of five competitors.", evidence)


async def submitted(w: World) -> Engagement:
    e = await w.engagement()
    await w.submit(e)
    return w.store.docs[e.id]


async def opened(w: World) -> Engagement:
    e = await submitted(w)
    await w.h.disputes.open(opening(e), w.as_employer(e))
    return w.store.docs[e.id]


def dispute_of(e: Engagement) -> str:
    return "dsp_" + e.id[4:]


def partial(e: Engagement, amount: int, currency: str = "USD") -> cmd.ResolveDispute:
    released = Money(amount, currency)
    return cmd.ResolveDispute(dispute_of(e), Outcome.PARTIAL_RELEASE, released, "60 % done.")


async def test_the_employer_opens_a_dispute_and_the_engagement_waits_for_it(w: World) -> None:
    e = await submitted(w)
    d, after = await w.h.disputes.open(opening(e), w.as_employer(e))
    assert after.status is Status.DISPUTED
    assert after.opening is None
    assert w.store.docs[e.id].opening is None  # the dispute has its own document now
    assert w.disputes.docs[d.id].status is DisputeStatus.OPEN
    assert d.answer_due_at == w.clock.now() + ANSWER_WINDOW
    assert d.claim.evidence[0].reference == "1/deck.pdf"
    assert w.store.kinds()[-1] == "DisputeOpened"
    with pytest.raises(DisputeOpen):
        await w.h.reviews.approve(cmd.ReviewWork(e.id, 1, ""), w.as_employer(e))
    with pytest.raises(DisputeOpen):
        await w.h.engagements.cancel(cmd.Cancel(e.id, "admin"), w.as_admin())
    with pytest.raises(AlreadyExists):
        await w.h.disputes.open(opening(e), w.as_student(e))


async def test_who_may_open_read_and_answer(w: World) -> None:
    e = await submitted(w)
    university = Actor("usr_u", "university", e.university_id)
    for cause in (w.as_admin(), Cause(university)):
        with pytest.raises(PermissionDenied):
            await w.h.disputes.open(opening(e), cause)
    with pytest.raises(NotFound):
        await w.h.disputes.open(opening(e), Cause(Actor("usr_x", "employer", new_id("cmp"))))
    await w.h.disputes.open(opening(e), w.as_employer(e))
    assert (await w.h.dispute_views.get("", e.id, university)).id == dispute_of(e)
    with pytest.raises(NotFound):  # a stranger learns nothing, as for the engagement
        await w.h.dispute_views.get(dispute_of(e), "", Actor(new_id("usr"), "student"))
    answer = cmd.AnswerDispute(dispute_of(e), "All five are in the appendix.")
    with pytest.raises(PermissionDenied):  # the opener does not answer their own claim
        await w.h.disputes.answer(answer, w.as_employer(e))
    d = await w.h.disputes.answer(answer, w.as_student(e))
    assert d.status is DisputeStatus.AWAITING_DECISION
    assert w.store.kinds()[-1] == "DisputeAnswered"


async def test_an_admin_resolves_a_partial_release_and_the_engagement_completes(
    w: World,
) -> None:
    e = await opened(w)
    with pytest.raises(PermissionDenied):
        await w.h.disputes.resolve(partial(e, 30_000), w.as_employer(e))
    for bad, field in ((partial(e, 30_000, "EUR"), "released.currency"),
                       (partial(e, 50_000), "released.amount_minor")):  # fmt: skip
        with pytest.raises(InvalidArgument) as raised:
            await w.h.disputes.resolve(bad, w.as_admin())
        assert [v.field for v in raised.value.violations] == [field]
    d, after = await w.h.disputes.resolve(partial(e, 30_000), w.as_admin())
    assert d.resolution is not None
    assert d.settled
    assert (d.resolution.released, d.resolution.refunded) == (
        Money(30_000, "USD"),
        Money(20_000, "USD"),
    )
    assert after.status is Status.COMPLETED
    assert w.store.kinds()[-2:] == ["DisputeResolved", "EngagementCompleted"]
    assert "SubmissionApproved" not in w.store.kinds()


async def test_a_full_refund_cancels_the_engagement(w: World) -> None:
    e = await opened(w)
    refund = cmd.ResolveDispute(dispute_of(e), Outcome.REFUND_FULL, None, "Not delivered.")
    _, after = await w.h.disputes.resolve(refund, w.as_admin())
    assert (after.status, after.cancel_reason) == (Status.CANCELLED, "Not delivered.")
    assert w.store.kinds()[-2:] == ["DisputeResolved", "EngagementCancelled"]


async def test_the_deadline_escalates_an_unanswered_dispute_once(w: World) -> None:
    e = await opened(w)
    await w.h.dispute_writes.escalate(dispute_of(e))
    assert w.disputes.docs[dispute_of(e)].status is DisputeStatus.OPEN  # not due yet
    w.clock.advance(ANSWER_WINDOW)
    await w.h.dispute_writes.escalate(dispute_of(e))
    await w.h.dispute_writes.escalate(dispute_of(e))
    assert w.disputes.docs[dispute_of(e)].status is DisputeStatus.AWAITING_DECISION
    assert w.store.kinds().count("DisputeEscalated") == 1


async def test_a_crash_after_the_engagements_write_is_repaired_by_the_timer(w: World) -> None:
    e = await submitted(w)
    w.disputes.crash_adds = 1
    with pytest.raises(RuntimeError):
        await w.h.disputes.open(opening(e), w.as_student(e))
    assert w.store.docs[e.id].status is Status.DISPUTED  # the decision is written
    assert dispute_of(e) not in w.disputes.docs
    seen = await w.h.dispute_views.get("", e.id, w.as_employer(e).actor)
    assert seen.status is DisputeStatus.OPEN  # read from the engagement meanwhile
    await w.h.dispute_writes.repair_opening(e.id)
    await w.h.dispute_writes.repair_opening(e.id)  # again: nothing left to do
    assert w.disputes.docs[dispute_of(e)].opened_by.value == "STUDENT"
    assert w.store.docs[e.id].opening is None
    assert w.store.kinds().count("DisputeOpened") == 1


async def test_a_crash_after_the_disputes_write_is_settled_by_the_timer(w: World) -> None:
    e = await opened(w)
    real_save = w.store.save

    async def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("crashed before the engagement was written")

    w.store.save = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await w.h.disputes.resolve(partial(e, 30_000), w.as_admin())
    w.store.save = real_save  # type: ignore[method-assign]
    stored = w.disputes.docs[dispute_of(e)]
    assert stored.status is DisputeStatus.RESOLVED
    assert not stored.settled
    assert w.store.docs[e.id].status is Status.DISPUTED
    await w.h.dispute_writes.settle_due(stored.id)
    await w.h.dispute_writes.settle_due(stored.id)  # again: nothing left to do
    assert w.store.docs[e.id].status is Status.COMPLETED
    assert w.disputes.docs[stored.id].settled
    assert w.store.kinds().count("EngagementCompleted") == 1
    assert w.store.kinds().count("DisputeResolved") == 1


async def test_lists_are_scoped_to_the_caller(w: World) -> None:
    first, second = await opened(w), await opened(w)
    page = page_request(10, "")
    everything = await w.h.dispute_views.list(cmd.DisputeQuery(page=page), w.as_admin().actor)
    assert {d.id for d in everything.items} == {dispute_of(first), dispute_of(second)}
    own = await w.h.dispute_views.list(cmd.DisputeQuery(page=page), w.as_student(first).actor)
    assert [d.id for d in own.items] == [dispute_of(first)]
    other = cmd.DisputeQuery(company_id=second.company_id, page=page)
    assert (await w.h.dispute_views.list(other, w.as_employer(first).actor)).items == []
    resolved = cmd.DisputeQuery((DisputeStatus.RESOLVED,), page=page)
    assert (await w.h.dispute_views.list(resolved, w.as_admin().actor)).items == []
