"""An engagement's time over gRPC with the real service: it goes overdue, the intern asks for
an extension, the employer grants it, a milestone from the hire is announced when due (once)
and checked off then confirmed; who may do it, and the events."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from stint.common.v1 import work_pb2
from stint.kit.clock import SystemClock
from stint.kit.testing.clock import ManualClock
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import submissions_service_pb2 as api

from .support import (
    Env,
    as_caller,
    distinct,
    funded_envelope,
    hired_envelope,
    new_parties,
    publish,
    published,
    running,
    stub_for,
    types_of,
    wait,
    wait_status,
)
from .test_lifecycle import submit_request
from .test_timers import fired

PLAN = (work_pb2.MilestonePlan(title="Outline", due_offset_days=2, deliverable="one page"),)


async def test_overdue_extension_granted_and_a_milestone_checked_off(env: Env) -> None:
    clock = ManualClock(SystemClock().now())
    p = new_parties()
    async with running(env.settings, clock) as service, stub_for(service) as stub:
        hire = hired_envelope(env, p, timedelta(days=3), revision_limit=4, milestones=PLAN)
        await publish(env, hire, funded_envelope(env, p))
        await wait_status(service, p, pb.ENGAGEMENT_STATUS_ACTIVE)
        get = api.GetEngagementRequest(engagement_id=p.engagement_id)
        started = (await stub.GetEngagement(get, metadata=p.student_md())).engagement
        assert started.revision_limit == 4
        assert [m.title for m in started.milestones] == ["Outline"]
        assert started.milestones[0].status == pb.MILESTONE_STATUS_OPEN

        due_before, overdue_before = fired("milestone-due"), fired("overdue")
        clock.advance(timedelta(days=4))  # past the milestone (2 days) and the due date (3)
        await wait(lambda: fired("overdue"), lambda n: n > overdue_before, "the overdue timer")
        await wait(lambda: fired("milestone-due"), lambda n: n > due_before, "milestone due")
        late = (await stub.GetEngagement(get, metadata=p.employer_md())).engagement
        assert late.overdue
        assert late.status == pb.ENGAGEMENT_STATUS_ACTIVE
        assert late.HasField("overdue_at")

        new_due = Timestamp()
        new_due.FromDatetime(clock.now() + timedelta(days=3))
        ask = api.RequestExtensionRequest(
            engagement_id=p.engagement_id, new_due_date=new_due, reason="the data came late"
        )
        university = as_caller("usr_career", "university", p.university)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.RequestExtension(ask, metadata=university)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        asked = await stub.RequestExtension(ask, metadata=p.student_md())
        assert asked.extension.status == pb.EXTENSION_STATUS_PENDING
        accept = api.AcceptExtensionRequest(engagement_id=p.engagement_id, extension_number="1")
        with pytest.raises(grpc.aio.AioRpcError) as own:
            await stub.AcceptExtension(accept, metadata=p.student_md())
        assert own.value.code() == grpc.StatusCode.PERMISSION_DENIED
        granted = await stub.AcceptExtension(accept, metadata=p.employer_md())
        assert granted.extension.status == pb.EXTENSION_STATUS_ACCEPTED
        assert granted.engagement.due_date == new_due
        assert not granted.engagement.overdue

        check = api.CheckOffMilestoneRequest(
            engagement_id=p.engagement_id, milestone_number="1", note="outline attached"
        )
        done = await stub.CheckOffMilestone(check, metadata=p.student_md())
        assert done.milestone.status == pb.MILESTONE_STATUS_DONE
        assert done.milestone.late
        confirm = api.CheckOffMilestoneRequest(engagement_id=p.engagement_id, milestone_number="1")
        confirmed = await stub.CheckOffMilestone(confirm, metadata=p.employer_md())
        assert confirmed.milestone.status == pb.MILESTONE_STATUS_CONFIRMED

        submitted = await stub.SubmitWork(submit_request(p), metadata=p.student_md())
        assert not submitted.engagement.submissions[0].late  # before the extended date
        records = distinct(await published(env, service, p.engagement_id))

    kinds = types_of(records)
    for kind in (
        "EngagementOverdue",
        "MilestoneDue",
        "ExtensionRequested",
        "ExtensionGranted",
        "MilestoneCompleted",
    ):
        assert kinds.count(kind) == 1, kinds
    assert kinds[-1] == "WorkSubmitted"


async def test_http_artifacts_are_refused(env: Env) -> None:
    p = new_parties()
    async with running(env.settings) as service, stub_for(service) as stub:
        await publish(env, hired_envelope(env, p), funded_envelope(env, p))
        await wait_status(service, p, pb.ENGAGEMENT_STATUS_ACTIVE)
        request = submit_request(p)
        request.artifacts[0].url = "http://files.example/deck.pdf"
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.SubmitWork(request, metadata=p.student_md())
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
