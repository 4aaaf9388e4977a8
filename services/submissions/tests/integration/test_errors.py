"""Errors over real gRPC: field violations, tenancy, state; and a cancellation's event."""

from __future__ import annotations

import grpc
import pytest

from stint.kit.grpc import field_violations_from_error
from stint.kit.ids import new_id
from stint.kit.runner import ServiceRunner
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2
from stint.submissions.v1 import submissions_service_pb2 as api

from .support import Env, as_caller, new_parties, published, stub_for, types_of
from .test_lifecycle import hire_and_wait, submit_request


async def test_errors_map_to_status_codes_and_cancel_is_published(
    env: Env, service: ServiceRunner
) -> None:
    p = new_parties()
    await hire_and_wait(env, service, p)
    async with stub_for(service) as stub:
        bad = api.SubmitWorkRequest(
            engagement_id=p.engagement_id,
            artifacts=[pb.Artifact(name="", url="javascript:alert(1)")],
            ai_used=True,
        )
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await stub.SubmitWork(bad, metadata=p.student_md())
        # Valid on its own (the proto rules), not for this posting (the domain's): AI disclosed.
        bad.artifacts[0].name, bad.artifacts[0].url = "report.pdf", "https://example.org/r.pdf"
        with pytest.raises(grpc.aio.AioRpcError) as undisclosed:
            await stub.SubmitWork(bad, metadata=p.student_md())
        with pytest.raises(grpc.aio.AioRpcError) as foreign:
            await stub.GetEngagement(
                api.GetEngagementRequest(engagement_id=p.engagement_id),
                metadata=as_caller("usr_x", "employer", new_id("cmp")),
            )
        with pytest.raises(grpc.aio.AioRpcError) as early:
            await stub.ApproveSubmission(
                api.ApproveSubmissionRequest(engagement_id=p.engagement_id, submission_number=1),
                metadata=p.employer_md(),
            )
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.ListEngagements(api.ListEngagementsRequest())
        cancel = api.CancelEngagementRequest(engagement_id=p.engagement_id, reason="Budget cut")
        cancelled = await stub.CancelEngagement(cancel, metadata=p.employer_md())
        with pytest.raises(grpc.aio.AioRpcError) as late:
            await stub.SubmitWork(submit_request(p), metadata=p.student_md())
        by_status = {
            status: await stub.ListEngagements(
                api.ListEngagementsRequest(statuses=[status]), metadata=p.employer_md()
            )
            for status in (pb.ENGAGEMENT_STATUS_CANCELLED, pb.ENGAGEMENT_STATUS_ACTIVE)
        }

    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in field_violations_from_error(invalid.value)} == {
        "artifacts[0].name",
        "artifacts[0].url",
    }
    assert {v.field for v in field_violations_from_error(undisclosed.value)} == {"ai_disclosure"}
    assert foreign.value.code() == grpc.StatusCode.NOT_FOUND
    assert early.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert cancelled.engagement.status == pb.ENGAGEMENT_STATUS_CANCELLED
    assert late.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    cancelled_list = by_status[pb.ENGAGEMENT_STATUS_CANCELLED].engagements
    assert [e.id for e in cancelled_list] == [p.engagement_id]
    assert list(by_status[pb.ENGAGEMENT_STATUS_ACTIVE].engagements) == []
    records = await published(env, service, p.engagement_id)
    assert types_of(records) == ["EngagementStarted", "EngagementCancelled"]
    event = events_pb2.EngagementCancelled.FromString(records[1].value)
    assert event.reason == "Budget cut"
    assert event.context.actor.org == p.company
