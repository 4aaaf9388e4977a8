"""Funding on real Kafka + FerretDB: a hire waits for payouts' FundingSecured, whichever of
the two arrives first, and an engagement never funded is cancelled when its window passes."""

from __future__ import annotations

from datetime import UTC, timedelta

import grpc
import pytest

from stint.kit.clock import SystemClock
from stint.kit.mongo import create_mongo_client
from stint.kit.runner import ServiceRunner
from stint.kit.testing.clock import ManualClock
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2

from .support import (
    Env,
    consumed,
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


async def test_a_hire_waits_for_its_funding_which_starts_it_once(
    env: Env, service: ServiceRunner
) -> None:
    p = new_parties()
    hired = hired_envelope(env, p)
    await publish(env, hired)
    waiting = await wait_status(service, p, pb.ENGAGEMENT_STATUS_AWAITING_FUNDING)
    async with stub_for(service) as stub:
        with pytest.raises(grpc.aio.AioRpcError) as early:
            await stub.SubmitWork(submit_request(p), metadata=p.student_md())
    assert await published(env, service, p.engagement_id) == []

    funding = funded_envelope(env, p)
    await publish(env, funding, funding)  # a redelivery starts nothing more
    await wait(lambda: consumed(env, funding=True), lambda n: n >= 2, "both deliveries")
    active = await wait_status(service, p, pb.ENGAGEMENT_STATUS_ACTIVE)
    records = await published(env, service, p.engagement_id)

    assert early.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "the engagement is not funded yet" in (early.value.details() or "")
    due = waiting.funding_due_at.ToDatetime(UTC) - waiting.due_date.ToDatetime(UTC)
    assert waiting.HasField("funding_due_at")
    assert not waiting.HasField("started_at")
    assert timedelta(days=-7, hours=-1) < due < timedelta(days=-7, hours=1)  # hired + 72 h
    assert active.HasField("started_at")
    assert not active.HasField("funding_due_at")
    assert types_of(records) == ["EngagementStarted"]
    started = events_pb2.EngagementStarted.FromString(records[0].value)
    assert started.engagement.status == pb.ENGAGEMENT_STATUS_ACTIVE
    assert started.context.causation_id == funding.id
    assert started.context.actor.role == "system"
    assert await marker(env, p.engagement_id) == p.funding_id


async def test_funding_that_overtakes_its_hire_still_starts_the_engagement(
    env: Env, service: ServiceRunner
) -> None:
    p = new_parties()
    await publish(env, funded_envelope(env, p))
    await wait(lambda: consumed(env, funding=True), lambda n: n >= 1, "the early funding")
    assert await marker(env, p.engagement_id) == p.funding_id  # kept for the hire to find
    hired = hired_envelope(env, p)
    await publish(env, hired)

    await wait_status(service, p, pb.ENGAGEMENT_STATUS_ACTIVE)
    records = await published(env, service, p.engagement_id)

    assert types_of(records) == ["EngagementStarted"]
    started = events_pb2.EngagementStarted.FromString(records[0].value)
    assert started.context.causation_id == hired.id


async def test_an_engagement_never_funded_is_cancelled_when_the_window_passes(env: Env) -> None:
    clock = ManualClock(SystemClock().now())
    p = new_parties()
    async with running(env.settings, clock) as first, running(env.settings, clock) as second:
        await publish(env, hired_envelope(env, p, due_in=timedelta(days=2)))
        await wait_status(first, p, pb.ENGAGEMENT_STATUS_AWAITING_FUNDING)
        clock.advance(timedelta(hours=73))  # past the 72-hour window, and past the due date
        cancelled = await wait_status(second, p, pb.ENGAGEMENT_STATUS_CANCELLED)
        late = funded_envelope(env, p)  # the money arrives after all: payouts refunds it
        await publish(env, late)
        await wait(lambda: consumed(env, funding=True), lambda n: n >= 1, "the late funding")
        after = await wait_status(first, p, pb.ENGAGEMENT_STATUS_CANCELLED)
        records = distinct(await published(env, first, p.engagement_id))

    assert cancelled.cancel_reason == "funding not received in time"
    assert not cancelled.HasField("funding_due_at")
    assert after.version == cancelled.version  # the late funding changed nothing
    assert types_of(records) == ["EngagementCancelled"]  # never started, never overdue
    event = events_pb2.EngagementCancelled.FromString(records[0].value)
    assert event.reason == "funding not received in time"
    assert event.context.actor.role == "system"


async def marker(env: Env, engagement_id: str) -> str | None:
    """The funding id recorded for the engagement, if any."""
    client = create_mongo_client(env.settings.mongo_uri, app_name="submissions-test")
    try:
        funded = client[env.settings.database_name]["funded_engagements"]
        doc = await funded.find_one({"_id": engagement_id})
    finally:
        await client.close()
    return str(doc["funding_id"]) if doc else None
