"""Disputes after a crash between their two writes (another process dies half-way): the
repair timers of the running service finish the opening and the settlement, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest

from stint.contracts import topics
from stint.kit.actor import Actor, Cause
from stint.kit.bootstrap import connect
from stint.kit.clock import SystemClock
from stint.kit.testing.clock import ManualClock
from stint.submissions.v1 import dispute_pb2 as dpb
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters import wire
from submissions.adapters.dispute_repository import DisputeRepository
from submissions.adapters.repository import EngagementRepository
from submissions.domain import commands as cmd
from submissions.domain.dispute import Outcome, Reason
from submissions.domain.model import Windows
from submissions.entrypoints import timers
from submissions.handlers import Handlers

from .dispute_support import (
    all_published,
    dispute_id,
    open_request_active,
    stored_dispute,
    sweeping,
)
from .support import Env, new_parties, running, stub_for, types_of, wait, wait_status
from .test_lifecycle import hire_and_wait


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
        offers: Any = None  # no offers here
        h = Handlers.build(engagements, clock, signer, Windows(), disputes=disputes, offers=offers)
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
