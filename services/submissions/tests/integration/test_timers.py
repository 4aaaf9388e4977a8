"""Timers with several replicas: auto-approval fires once; overdue is announced once."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import REGISTRY

from stint.kit.clock import SystemClock
from stint.kit.testing.clock import ManualClock
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2
from stint.submissions.v1 import submissions_service_pb2 as api

from .support import (
    Env,
    distinct,
    new_parties,
    published,
    running,
    stub_for,
    types_of,
    wait,
)
from .test_lifecycle import hire_and_wait, submit_request


def fired(timer: str) -> float:
    labels = {"service": "submissions", "timer": timer, "outcome": "done"}
    return REGISTRY.get_sample_value("stint_timers_fired_total", labels) or 0.0


def auto_approvals() -> float:
    labels = {"mode": "auto"}
    return REGISTRY.get_sample_value("stint_submissions_approved_total", labels) or 0.0


async def test_auto_approval_fires_once_with_two_instances(env: Env) -> None:
    clock = ManualClock(SystemClock().now())
    p = new_parties()
    auto_before = auto_approvals()
    async with running(env.settings, clock) as first, running(env.settings, clock) as second:
        await hire_and_wait(env, first, p)
        async with stub_for(second) as stub:
            await stub.SubmitWork(submit_request(p), metadata=p.student_md())
            clock.advance(timedelta(days=6, hours=23))
            get = api.GetEngagementRequest(engagement_id=p.engagement_id)
            early = await stub.GetEngagement(get, metadata=p.student_md())
            assert early.engagement.status == pb.ENGAGEMENT_STATUS_SUBMITTED

            clock.advance(timedelta(hours=2))  # past the 7-day review window

            async def status() -> int:
                reply = await stub.GetEngagement(get, metadata=p.student_md())
                return reply.engagement.status

            await wait(status, lambda s: s == pb.ENGAGEMENT_STATUS_COMPLETED, "auto-approval")
            final = await stub.GetEngagement(get, metadata=p.employer_md())
        records = await published(env, first, p.engagement_id)

    assert [r.decision for r in final.engagement.reviews] == [pb.REVIEW_DECISION_AUTO_APPROVED]
    assert final.engagement.reviews[0].reviewed_by == ""
    records = distinct(records)
    assert types_of(records) == [
        "EngagementStarted",
        "WorkSubmitted",
        "SubmissionApproved",
        "EngagementCompleted",
    ]
    approved = events_pb2.SubmissionApproved.FromString(records[2].value)
    assert approved.auto_approved
    assert auto_approvals() == auto_before + 1  # one instance approved; the other found nothing
    assert approved.context.actor.role == "system"


async def test_overdue_is_announced_once(env: Env) -> None:
    clock = ManualClock(SystemClock().now())
    p = new_parties()
    async with running(env.settings, clock) as first, running(env.settings, clock) as second:
        await hire_and_wait(env, second, p, due_in=timedelta(days=3))
        before = fired("overdue")
        clock.advance(timedelta(days=4))
        await wait(lambda: fired("overdue"), lambda n: n >= before + 1, "the overdue timer")
        clock.advance(timedelta(days=4))  # later passes find nothing left to announce
        records = await published(env, first, p.engagement_id)

    assert types_of(distinct(records)) == ["EngagementStarted", "EngagementOverdue"]
