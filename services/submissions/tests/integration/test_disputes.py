"""Disputes on real Kafka + FerretDB: open, answer, resolve with a partial release; what a
disputed engagement refuses; escalation by the timer, once with two instances (crashes half-way:
test_dispute_crashes.py)."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest

from stint.kit.clock import SystemClock
from stint.kit.grpc import field_violations_from_error
from stint.kit.ids import new_id
from stint.kit.runner import ServiceRunner
from stint.kit.testing.clock import ManualClock
from stint.submissions.v1 import dispute_pb2 as dpb
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2
from stint.submissions.v1 import submissions_service_pb2 as api

from .dispute_support import (
    admin_md,
    all_published,
    dispute_id,
    open_request,
    open_request_active,
    partial,
)
from .support import (
    Env,
    as_caller,
    new_parties,
    running,
    stub_for,
    types_of,
    wait,
)
from .test_lifecycle import hire_and_wait, submit_request


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
    # Two outboxes publish (the engagement's and the dispute's), each in its own order; how
    # the two interleave on the partition depends on their relays.
    engagement_order = [
        "EngagementStarted",
        "WorkSubmitted",
        "DisputeOpened",
        "EngagementCompleted",
    ]
    dispute_order = ["DisputeAnswered", "DisputeResolved"]
    assert sorted(kinds) == sorted(engagement_order + dispute_order)
    assert [k for k in kinds if k in engagement_order] == engagement_order
    assert [k for k in kinds if k in dispute_order] == dispute_order
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
