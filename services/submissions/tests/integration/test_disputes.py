"""Disputes on real Kafka + FerretDB: open, answer, resolve with a partial release; what a
disputed engagement refuses; escalation by the timer (two instances); and the pair of
documents after a crash between their writes, finished by the repair timers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import grpc
import pytest

from stint.common.v1 import money_pb2
from stint.contracts import topics
from stint.kit.actor import Actor, Cause
from stint.kit.bootstrap import connect
from stint.kit.clock import SystemClock
from stint.kit.grpc import field_violations_from_error
from stint.kit.ids import new_id
from stint.kit.mongo import create_mongo_client
from stint.kit.runner import ServiceRunner
from stint.kit.testing.clock import ManualClock
from stint.kit.testing.kafka import Record
from stint.submissions.v1 import dispute_pb2 as dpb
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters import wire
from submissions.adapters.dispute_repository import DisputeRepository
from submissions.adapters.repository import EngagementRepository
from submissions.domain import commands as cmd
from submissions.domain.dispute import Outcome, Reason
from submissions.domain.model import Windows
from submissions.entrypoints import timers
from submissions.handlers import Handlers

from .support import (
    Env,
    Parties,
    as_caller,
    distinct,
    new_parties,
    published,
    running,
    stub_for,
    types_of,
    wait,
    wait_status,
)
from .test_lifecycle import hire_and_wait, submit_request


def dispute_id(p: Parties) -> str:
    return "dsp_" + p.application_id.split("_", 1)[1]


def open_request(p: Parties) -> api.OpenDisputeRequest:
    return api.OpenDisputeRequest(
        engagement_id=p.engagement_id,
        reason=dpb.DISPUTE_REASON_QUALITY,
        statement="The deck covers two of the five competitors.",
        evidence=[dpb.Evidence(kind=dpb.EVIDENCE_KIND_ARTIFACT, reference="1/deck.pdf")],
    )


def partial(p: Parties, amount: int, currency: str = "USD") -> api.ResolveDisputeRequest:
    return api.ResolveDisputeRequest(
        dispute_id=dispute_id(p),
        outcome=dpb.DISPUTE_OUTCOME_PARTIAL_RELEASE,
        released=money_pb2.Money(amount_minor=amount, currency=currency),
        decision="Three of five competitors: 60 % of the fee is released.",
    )


def sweeping(env: Env) -> Any:
    """The service's settings with a quick timer sweep: the half-done write was another
    process's, so this one learns of its due time from the sweep, not in-process."""
    return env.settings.model_copy(update={"timer_sweep_seconds": 0.2})


def admin_md() -> tuple[tuple[str, str], ...]:
    return as_caller(new_id("usr"), "admin")


async def all_published(env: Env, runner: ServiceRunner, p: Parties) -> list[Record]:
    """Every event about the engagement once both its and its dispute's outboxes drained."""
    client = create_mongo_client(env.settings.mongo_uri, app_name="submissions-test")
    try:
        disputes = client[env.settings.database_name]["disputes"]

        async def outbox() -> Any:
            doc = await disputes.find_one({"_id": dispute_id(p)})
            return doc and doc.get("outbox")

        await wait(outbox, lambda pending: pending == [], "the dispute's outbox drained")
    finally:
        await client.close()
    return distinct(await published(env, runner, p.engagement_id))


async def test_open_answer_and_a_partial_release_complete_the_engagement(
    env: Env, service: ServiceRunner
) -> None:
    p = new_parties()
    await hire_and_wait(env, service, p)
    async with stub_for(service) as stub:
        await stub.SubmitWork(submit_request(p), metadata=p.student_md())
        opened = await stub.OpenDispute(open_request(p), metadata=p.employer_md())
        refusals = [
            stub.SubmitWork(submit_request(p), metadata=p.student_md()),
            stub.ApproveSubmission(
                api.ApproveSubmissionRequest(engagement_id=p.engagement_id, submission_number=1),
                metadata=p.employer_md(),
            ),
            stub.WithdrawFromEngagement(
                api.WithdrawFromEngagementRequest(engagement_id=p.engagement_id, reason="bye"),
                metadata=p.student_md(),
            ),
            stub.OpenDispute(open_request(p), metadata=p.student_md()),
        ]
        codes = []
        for call in refusals:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await call
            codes.append((refused.value.code(), refused.value.details()))
        stranger = as_caller(new_id("usr"), "employer", new_id("cmp"))
        with pytest.raises(grpc.aio.AioRpcError) as hidden:
            await stub.GetDispute(
                api.GetDisputeRequest(dispute_id=dispute_id(p)), metadata=stranger
            )
        answer = api.AnswerDisputeRequest(
            dispute_id=dispute_id(p), statement="All five are in the appendix of the deck."
        )
        answered = await stub.AnswerDispute(answer, metadata=p.student_md())
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await stub.ResolveDispute(partial(p, 30_000, "EUR"), metadata=admin_md())
        resolved = await stub.ResolveDispute(partial(p, 30_000), metadata=admin_md())
        by_engagement = api.GetDisputeRequest(engagement_id=p.engagement_id)
        read = await stub.GetDispute(by_engagement, metadata=p.student_md())
    records = await all_published(env, service, p)

    assert opened.engagement.status == pb.ENGAGEMENT_STATUS_DISPUTED
    assert opened.dispute.engagement_status_before == pb.ENGAGEMENT_STATUS_SUBMITTED
    assert [c for c, _ in codes[:3]] == [grpc.StatusCode.FAILED_PRECONDITION] * 3
    assert all("a dispute is open" in (d or "") for _, d in codes[:3])
    assert codes[3][0] == grpc.StatusCode.ALREADY_EXISTS
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    assert answered.dispute.status == dpb.DISPUTE_STATUS_AWAITING_DECISION
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_from_error(invalid.value)] == ["released.currency"]
    assert resolved.engagement.status == pb.ENGAGEMENT_STATUS_COMPLETED
    assert read.dispute.status == dpb.DISPUTE_STATUS_RESOLVED
    assert read.dispute.resolution.released.amount_minor == 30_000
    assert read.dispute.resolution.refunded.amount_minor == 20_000
    kinds = types_of(records)
    assert kinds[:2] == ["EngagementStarted", "WorkSubmitted"]
    assert sorted(kinds[2:]) == sorted(
        ["DisputeOpened", "DisputeAnswered", "DisputeResolved", "EngagementCompleted"]
    )
    assert "SubmissionApproved" not in kinds  # payouts pays the released share only
    event = events_pb2.DisputeResolved.FromString(records[kinds.index("DisputeResolved")].value)
    assert event.dispute.resolution.released.amount_minor == 30_000
    assert event.engagement.fee.amount_minor == 50_000
    assert event.engagement.student_id == p.student


async def test_an_unanswered_dispute_is_escalated_once_by_the_timer(env: Env) -> None:
    clock = ManualClock(SystemClock().now())
    p = new_parties()
    async with running(env.settings, clock) as first, running(env.settings, clock) as second:
        await hire_and_wait(env, first, p)
        async with stub_for(second) as stub:
            await stub.OpenDispute(open_request_active(p), metadata=p.student_md())
            clock.advance(timedelta(hours=97))  # past the 96-hour answer window
            get = api.GetDisputeRequest(dispute_id=dispute_id(p))

            async def status() -> int:
                return (await stub.GetDispute(get, metadata=p.student_md())).dispute.status

            await wait(status, lambda s: s == dpb.DISPUTE_STATUS_AWAITING_DECISION, "escalated")
            late = api.AnswerDisputeRequest(dispute_id=dispute_id(p), statement="Late answer.")
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await stub.AnswerDispute(late, metadata=p.employer_md())
            clock.advance(timedelta(days=30))  # later passes find nothing to escalate
        records = await all_published(env, first, p)

    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert types_of(records).count("DisputeEscalated") == 1
    assert sorted(types_of(records)) == sorted(
        ["EngagementStarted", "DisputeOpened", "DisputeEscalated"]
    )


def open_request_active(p: Parties) -> api.OpenDisputeRequest:
    """The intern's dispute over ACTIVE work (nothing submitted: no artifact to point at)."""
    request = open_request(p)
    request.reason = dpb.DISPUTE_REASON_SCOPE
    del request.evidence[:]
    request.evidence.add(kind=dpb.EVIDENCE_KIND_LINK, reference="https://docs.example/scope")
    return request


class Crashing:
    """A real repository whose one write `fails` makes the process 'die' instead."""

    def __init__(self, real: Any, fails: str) -> None:
        self.real, self.fails = real, fails

    def __getattr__(self, name: str) -> Any:
        if name == self.fails:

            async def crash(*args: Any) -> None:
                raise RuntimeError("crashed between the two writes")

            return crash
        return getattr(self.real, name)


@asynccontextmanager
async def another_process(env: Env, clock: ManualClock, crash: str) -> AsyncIterator[Handlers]:
    """The service's use cases in a second process on the same database, which dies at the
    `crash` write ("add" of the dispute, or "save" of the engagement)."""
    infra = await connect(env.settings, clock)
    try:
        factory = wire.envelopes_for(infra.events(topics.SUBMISSIONS))
        engagement_docs, dispute_docs = infra.aggregate("engagements"), infra.aggregate("disputes")
        engagements: Any = EngagementRepository(
            engagement_docs, infra.db["funded_engagements"], factory
        )
        disputes: Any = DisputeRepository(dispute_docs, factory)
        if crash == "add":
            disputes = Crashing(disputes, "add")
        else:
            engagements = Crashing(engagements, "save")
        signer: Any = None  # records are not signed here
        h = Handlers.build(engagements, clock, signer, Windows(), disputes=disputes)
        # As in a service process: the timers' due fields are tracked (their indexed markers
        # written), though this process dies before it would run them.
        infra.timers(
            timers.timers(engagement_docs, h.timers)
            + timers.dispute_timers(engagement_docs, dispute_docs, h.dispute_writes)
        )
        yield h
    finally:
        await infra.mongo.close()


async def test_a_crash_between_the_opening_writes_is_repaired(env: Env) -> None:
    clock = ManualClock(SystemClock().now())
    p = new_parties()
    async with running(sweeping(env), clock) as service:
        await hire_and_wait(env, service, p)
        async with another_process(env, clock, crash="add") as h:
            c = cmd.OpenDispute(p.engagement_id, Reason.QUALITY, "Not what was asked.")
            with pytest.raises(RuntimeError):
                await h.disputes.open(c, Cause(Actor(p.student, "student", p.university)))
        async with stub_for(service) as stub:
            get = api.GetDisputeRequest(engagement_id=p.engagement_id)
            meanwhile = await stub.GetDispute(get, metadata=p.employer_md())
            before = await stored_dispute(env, p)
            clock.advance(timedelta(minutes=2))  # past the repair delay
            await wait(lambda: stored_dispute(env, p), lambda d: d is not None, "the repair")
            answered = await stub.AnswerDispute(
                api.AnswerDisputeRequest(dispute_id=dispute_id(p), statement="It was."),
                metadata=p.employer_md(),
            )
        engagement = await wait_status(service, p, pb.ENGAGEMENT_STATUS_DISPUTED)
        records = await all_published(env, service, p)

    assert before is None  # the crash left only the engagement's write
    assert meanwhile.dispute.status == dpb.DISPUTE_STATUS_OPEN  # read from the engagement
    assert answered.dispute.status == dpb.DISPUTE_STATUS_AWAITING_DECISION
    assert engagement.status == pb.ENGAGEMENT_STATUS_DISPUTED
    assert types_of(records).count("DisputeOpened") == 1


async def test_a_crash_between_the_resolution_writes_is_settled(env: Env) -> None:
    clock = ManualClock(SystemClock().now())
    p = new_parties()
    async with running(sweeping(env), clock) as service:
        await hire_and_wait(env, service, p)
        async with stub_for(service) as stub:
            await stub.OpenDispute(open_request_active(p), metadata=p.employer_md())
        async with another_process(env, clock, crash="save") as h:
            refund = cmd.ResolveDispute(dispute_id(p), Outcome.REFUND_FULL, None, "Scope grew.")
            with pytest.raises(RuntimeError):
                await h.disputes.resolve(refund, Cause(Actor("usr_a", "admin")))
        halfway = await wait_status(service, p, pb.ENGAGEMENT_STATUS_DISPUTED)
        clock.advance(timedelta(minutes=2))  # past the repair delay
        cancelled = await wait_status(service, p, pb.ENGAGEMENT_STATUS_CANCELLED)
        records = await all_published(env, service, p)
        settled = await wait(lambda: stored_dispute(env, p), lambda d: d["settled"], "settled")

    assert halfway.status == pb.ENGAGEMENT_STATUS_DISPUTED  # only the dispute was written
    assert cancelled.cancel_reason == "Scope grew."
    assert cancelled.cancelled_by == pb.PARTY_PLATFORM
    kinds = types_of(records)
    assert kinds.count("DisputeResolved") == 1
    assert kinds.count("EngagementCancelled") == 1
    assert settled["status"] == "RESOLVED"


async def stored_dispute(env: Env, p: Parties) -> dict[str, Any] | None:
    client = create_mongo_client(env.settings.mongo_uri, app_name="submissions-test")
    try:
        doc = await client[env.settings.database_name]["disputes"].find_one({"_id": dispute_id(p)})
    finally:
        await client.close()
    return dict(doc) if doc else None
