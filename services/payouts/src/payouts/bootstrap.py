"""The composition root of the payouts service."""

from __future__ import annotations

from datetime import timedelta

from payouts.adapters.repository import MongoRepository
from payouts.adapters.sandbox import MongoSandboxStore, SandboxProvider
from payouts.config import Settings
from payouts.entrypoints import kafka
from payouts.entrypoints.grpc import PayoutsServicer
from payouts.entrypoints.timers import payout_timers
from payouts.handlers import Handlers
from payouts.ports import PaymentProvider
from payouts.processing import Processor
from payouts.queries import Queries
from payouts.writer import PayoutWriter
from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.bus import EventRouter
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import ServiceRunner
from stint.payouts.v1.payouts_service_pb2_grpc import add_PayoutsServiceServicer_to_server
from stint.submissions.v1.events_pb2 import EngagementCancelled, SubmissionApproved


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    infra = await connect(settings, clock)
    payouts = infra.aggregate("payouts")
    repo = MongoRepository(
        payouts,
        infra.aggregate("payout_accounts"),
        infra.db["cancelled_engagements"],
        infra.db["journal_entries"],
    )
    await repo.ensure_indexes()
    sandbox = SandboxProvider(
        MongoSandboxStore(infra.db["sandbox_provider_payouts"]),
        infra.clock,
        settle_seconds=settings.sandbox_settle_seconds,
        return_seconds=settings.sandbox_return_seconds,
    )
    providers: dict[str, PaymentProvider] = {sandbox.name: sandbox}
    if settings.default_provider not in providers:
        raise ValueError(f"STINT_DEFAULT_PROVIDER must be one of {sorted(providers)}")
    policy = settings.policy()
    writer = PayoutWriter(
        repo, infra.events(topics.PAYOUTS), infra.clock, policy.ledger_repair_delay
    )
    handlers = Handlers(writer, policy, set(providers))
    processor = Processor(writer, policy, providers)

    router = EventRouter()
    submissions = settings.topic(topics.SUBMISSIONS)
    router.handler(submissions, SubmissionApproved)(kafka.on_submission_approved(handlers))
    router.handler(submissions, EngagementCancelled)(kafka.on_engagement_cancelled(handlers))
    infra.consume(router)

    lease = timedelta(seconds=settings.timer_lease_seconds)
    timers = infra.timers(payout_timers(processor, payouts, lease))
    server = grpc_server_for(
        settings,
        [
            (
                add_PayoutsServiceServicer_to_server,
                PayoutsServicer(handlers, Queries(repo, policy)),
                "stint.payouts.v1.PayoutsService",
            )
        ],
    )
    return infra.runner(server, timers)
