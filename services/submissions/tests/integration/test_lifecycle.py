"""The engagement lifecycle on real Kafka + FerretDB: idempotent creation and approval."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import grpc

from stint.kit.runner import ServiceRunner
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2
from stint.submissions.v1 import submissions_service_pb2 as api

from .support import (
    Env,
    Parties,
    consumed,
    funded_envelope,
    hired_and_funded,
    hired_envelope,
    new_parties,
    publish,
    published,
    stub_for,
    types_of,
    wait,
    wait_status,
)


def submit_request(p: Parties) -> api.SubmitWorkRequest:
    return api.SubmitWorkRequest(
        engagement_id=p.engagement_id,
        note="Findings in the deck; data in the sheet.",
        artifacts=[
            pb.Artifact(name="deck.pdf", url="https://files.example/deck.pdf", sha256="ab" * 32),
            pb.Artifact(name="data.xlsx", url="https://files.example/data.xlsx"),
        ],
        ai_used=True,
        ai_disclosure="Summarised sources with an LLM; all numbers checked by hand.",
    )


async def hire_and_wait(
    env: Env, runner: ServiceRunner, p: Parties, due_in: timedelta = timedelta(days=10)
) -> None:
    """Hire and fund (as applications and payouts would), then wait until the work started."""
    await publish(env, *hired_and_funded(env, p, due_in))
    await wait_status(runner, p, pb.ENGAGEMENT_STATUS_ACTIVE)


async def test_a_redelivered_hire_creates_one_engagement(env: Env, service: ServiceRunner) -> None:
    p = new_parties()
    first = hired_envelope(env, p)
    # The same record twice (a producer retry) and the same hire as a new event (a re-emit).
    again = dataclasses.replace(hired_envelope(env, p), data=first.data)
    before = consumed(env)
    await publish(env, first, first, again)
    await wait(lambda: consumed(env), lambda n: n >= before + 3, "three deliveries handled")
    funding = funded_envelope(env, p)
    await publish(env, funding)
    await wait_status(service, p, pb.ENGAGEMENT_STATUS_ACTIVE)

    records = await published(env, service, p.engagement_id)

    assert types_of(records) == ["EngagementStarted"]
    started = events_pb2.EngagementStarted.FromString(records[0].value)
    assert started.engagement.id == p.engagement_id
    assert started.engagement.status == pb.ENGAGEMENT_STATUS_ACTIVE
    assert started.engagement.fee.amount_minor == 50_000
    assert started.engagement.revision_limit == 2
    assert started.context.causation_id == funding.id
    async with stub_for(service) as stub:
        listed = await stub.ListEngagements(api.ListEngagementsRequest(), metadata=p.student_md())
    assert [e.id for e in listed.engagements] == [p.engagement_id]


async def test_approving_twice_emits_one_approval(env: Env, service: ServiceRunner) -> None:
    p = new_parties()
    await hire_and_wait(env, service, p)
    async with stub_for(service) as stub:
        submitted = await stub.SubmitWork(submit_request(p), metadata=p.student_md())
        approve = api.ApproveSubmissionRequest(
            engagement_id=p.engagement_id, submission_number=submitted.submission_number
        )

        async def attempt() -> str:
            try:
                await stub.ApproveSubmission(approve, metadata=p.employer_md())
            except grpc.aio.AioRpcError as exc:
                return exc.code().name
            return "OK"

        concurrent = await asyncio.gather(attempt(), attempt(), attempt())
        replayed = await attempt()
        final = await stub.GetEngagement(
            api.GetEngagementRequest(engagement_id=p.engagement_id), metadata=p.employer_md()
        )

    assert "OK" in concurrent
    assert set(concurrent) <= {"OK", "ABORTED"}  # a lost race is retryable, never a 2nd payout
    assert replayed == "OK"
    assert final.engagement.status == pb.ENGAGEMENT_STATUS_COMPLETED
    records = await published(env, service, p.engagement_id)
    assert types_of(records) == [
        "EngagementStarted",
        "WorkSubmitted",
        "SubmissionApproved",
        "EngagementCompleted",
    ]
    approved = events_pb2.SubmissionApproved.FromString(records[2].value)
    assert approved.engagement.fee.amount_minor == 50_000
    assert approved.submission_number == 1
    assert not approved.auto_approved
    assert approved.context.actor.role == "employer"
