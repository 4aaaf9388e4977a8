"""The real payouts service in-process, against the real broker and database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import pytest
from faststream.kafka import KafkaBroker

from payouts.bootstrap import build
from payouts.config import Settings
from stint.applications.v1.application_pb2 import Application
from stint.applications.v1.events_pb2 import CandidateHired, EngagementTerms
from stint.common.v1.money_pb2 import Money
from stint.contracts import topics
from stint.kit.bus import KafkaEventPublisher, create_broker
from stint.kit.clock import SystemClock
from stint.kit.envelope import Envelope, new_envelope
from stint.kit.grpc import Caller
from stint.kit.ids import new_id, suffix
from stint.kit.mongo import Database
from stint.kit.runner import ServiceRunner
from stint.kit.testing.identity import metadata_for
from stint.kit.testing.infra import Infra
from stint.kit.testing.poll import eventually
from stint.payouts.v1 import payout_pb2 as pb
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.payouts.v1.payouts_service_pb2_grpc import PayoutsServiceStub
from stint.submissions.v1.engagement_pb2 import Engagement
from stint.submissions.v1.events_pb2 import EngagementCancelled, SubmissionApproved

ADMIN = Caller("usr_admin", "admin", "", "req-admin")


@dataclass
class Service:
    settings: Settings
    runner: ServiceRunner
    stub: PayoutsServiceStub
    publisher: KafkaEventPublisher
    db: Database

    def approval(self, engagement: Engagement) -> Envelope:
        """A SubmissionApproved as submissions publishes it, on the prefixed topic."""
        return new_envelope(
            SubmissionApproved(engagement=engagement, submission_number=1),
            topic=self.settings.topic(topics.SUBMISSIONS),
            subject=engagement.id,
            source="/stint/submissions",
            clock=SystemClock(),
        )

    async def hire(self, engagement: Engagement) -> str:
        """Publish the CandidateHired that starts `engagement` (eng_X comes from app_X)."""
        application = Application(
            id="app_" + suffix(engagement.id),
            posting_id="pst_" + suffix(engagement.id),
            company_id=engagement.company_id,
            student_id=engagement.student_id,
        )
        terms = EngagementTerms(
            posting_id=application.posting_id,
            posting_title=engagement.title,
            fee=engagement.fee,
            company_id=engagement.company_id,
        )
        envelope = new_envelope(
            CandidateHired(application=application, terms=terms),
            topic=self.settings.topic(topics.APPLICATIONS),
            subject=application.id,
            source="/stint/applications",
            clock=SystemClock(),
        )
        await self.publisher.publish(envelope)
        return envelope.id

    async def cancel(self, engagement: Engagement, reason: str = "no longer needed") -> None:
        envelope = new_envelope(
            EngagementCancelled(engagement=engagement, reason=reason),
            topic=self.settings.topic(topics.SUBMISSIONS),
            subject=engagement.id,
            source="/stint/submissions",
            clock=SystemClock(),
        )
        await self.publisher.publish(envelope)

    async def approve(self, engagement: Engagement) -> str:
        """Publish a SubmissionApproved; returns its ce_id."""
        envelope = self.approval(engagement)
        await self.publisher.publish(envelope)
        return envelope.id


def md(caller: Caller) -> tuple[tuple[str, str], ...]:
    return metadata_for(caller, "payouts")


@pytest.fixture
async def publisher_broker(kafka_bootstrap: str, unique: str) -> AsyncIterator[KafkaBroker]:
    broker = create_broker(kafka_bootstrap, client_id=f"payouts-test-{unique}")
    await broker.connect()
    yield broker
    await broker.stop()


@pytest.fixture
async def service(
    infra: Infra,
    mongo_db: Database,
    kafka_bootstrap: str,
    unique: str,
    publisher_broker: KafkaBroker,
) -> AsyncIterator[Service]:
    settings = Settings.model_validate(
        {
            "grpc_port": 0,
            "http_port": 0,
            "kafka_bootstrap": kafka_bootstrap,
            "mongo_uri": infra.mongo_uri,
            "mongo_database": mongo_db.name,
            "kafka_topic_prefix": f"t{unique}.",
            "timer_poll_seconds": 0.1,
            "relay_sweep_seconds": 0.5,
            "poll_seconds": 0.2,
            "sandbox_settle_seconds": 0.3,
            "retry_base_seconds": 0.3,
            "ledger_repair_seconds": 0.5,
            "return_watch_seconds": 1.0,
            "timer_lease_seconds": 2.0,
            "sandbox_return_seconds": 0.3,
        }
    )
    runner = await build(settings)
    await runner.start()
    assert runner.grpc_server is not None
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{runner.grpc_server.port}")  # type: ignore[attr-defined]
    try:
        yield Service(
            settings,
            runner,
            PayoutsServiceStub(channel),
            KafkaEventPublisher(publisher_broker),
            mongo_db,
        )
    finally:
        await channel.close()
        await runner.stop()


def engagement(student_id: str, fee: int = 12_500) -> Engagement:
    return Engagement(
        id=new_id("eng"),
        company_id=new_id("cmp"),
        student_id=student_id,
        title="Market scan",
        fee=Money(amount_minor=fee, currency="USD"),
    )


def student(student_id: str) -> Caller:
    return Caller(student_id, "student", "", f"req-{student_id}")


async def register(s: Service, student_id: str, token: str) -> None:
    await s.stub.RegisterPayoutAccount(
        svc.RegisterPayoutAccountRequest(destination_token=token, country="US", currency="USD"),
        metadata=md(student(student_id)),
    )


async def payout_of(s: Service, eng: Engagement) -> pb.Payout:
    pid = "pay_" + suffix(eng.id)
    response = await s.stub.GetPayout(svc.GetPayoutRequest(payout_id=pid), metadata=md(ADMIN))
    return response.payout


async def wait_status(s: Service, eng: Engagement, status: int) -> pb.Payout:
    async def probe() -> pb.Payout | None:
        try:
            return await payout_of(s, eng)
        except grpc.aio.AioRpcError as err:
            if err.code() is grpc.StatusCode.NOT_FOUND:
                return None
            raise

    return await eventually(
        probe,
        until=lambda p: p is not None and p.status == status,
        timeout=20,
        what=f"payout {pb.PayoutStatus.Name(status)}",
    )  # type: ignore[return-value]


async def entries_of(s: Service, payout_id: str, count: int) -> list[svc.JournalEntry]:
    """The payout's journal entries once there are `count` (they follow its state change)."""

    async def probe() -> list[svc.JournalEntry]:
        response = await s.stub.ListLedgerEntries(
            svc.ListLedgerEntriesRequest(payout_id=payout_id), metadata=md(ADMIN)
        )
        return list(response.entries)

    return await eventually(probe, until=lambda e: len(e) >= count, what=f"{count} entries")
