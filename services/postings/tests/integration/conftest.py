"""The real postings service, in-process, on the shared Kafka broker and MongoDB-wire server:
private database and topic prefix per test, driven over real gRPC."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import grpc
import pytest
from faststream.kafka import KafkaBroker
from google.protobuf.message import Message

from postings.bootstrap import build
from postings.config import Settings
from stint.common.v1 import money_pb2, work_pb2
from stint.contracts import topics
from stint.kit.bus import KafkaEventPublisher, create_broker
from stint.kit.clock import Clock, SystemClock
from stint.kit.envelope import new_envelope
from stint.kit.grpc import Caller
from stint.kit.mongo import Database
from stint.kit.runner import ServiceRunner
from stint.kit.testing.identity import metadata_for
from stint.kit.testing.infra import Infra
from stint.postings.v1 import company_pb2, posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc
from stint.postings.v1.postings_service_pb2_grpc import PostingsServiceStub


@dataclass
class Service:
    runner: ServiceRunner
    settings: Settings
    stub: PostingsServiceStub
    channel: grpc.aio.Channel
    verified: set[str] = dataclasses.field(default_factory=set)

    @property
    def topic(self) -> str:
        return self.settings.topic(topics.POSTINGS)


def settings_for(infra: Infra, mongo_db: Database, unique: str) -> Settings:
    return Settings(
        grpc_port=0,
        http_port=0,
        mongo_uri=infra.mongo_uri,
        kafka_bootstrap=infra.kafka_bootstrap,
        mongo_database=mongo_db.name,
        kafka_topic_prefix=f"t{unique}.",
        timer_poll_seconds=0.1,
        relay_sweep_seconds=0.5,
        consumer_backoff_seconds=0.05,
        consumer_max_attempts=2,
        shutdown_grace_seconds=1.0,
    )


async def start_service(settings: Settings, clock: Clock | None = None) -> Service:
    runner = await build(settings, clock)
    await runner.start()
    assert runner.grpc_server is not None
    port = runner.grpc_server.port  # type: ignore[attr-defined]
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    return Service(runner, settings, PostingsServiceStub(channel), channel)


async def stop_service(service: Service) -> None:
    await service.channel.close()
    await service.runner.stop()


@pytest.fixture
async def service(infra: Infra, mongo_db: Database, unique: str) -> AsyncIterator[Service]:
    started = await start_service(settings_for(infra, mongo_db, unique))
    try:
        yield started
    finally:
        await stop_service(started)


# The org of each caller's metadata (open_posting verifies an employer's company first).
_ORGS: dict[Any, str] = {}


def who(role: str, org: str = "", subject: str = "") -> tuple[tuple[str, str], ...]:
    """gRPC metadata for a caller, as the gateway sets it."""
    metadata = metadata_for(
        Caller(subject or f"usr_{role}_{org}", role, org, "req-test"), "postings"
    )
    _ORGS[metadata] = org
    return metadata


EMPLOYER = who("employer", "cmp_acme")
ADMIN = who("admin", subject="usr_root")


async def verify_company(service: Service, company_id: str) -> None:
    """An admin verifies the company (its clean postings then open on publish)."""
    if company_id in service.verified:
        return
    await service.stub.SetCompanyVerification(
        svc.SetCompanyVerificationRequest(
            company_id=company_id,
            status=company_pb2.VERIFICATION_STATUS_VERIFIED,
            domain="acme.example",
        ),
        metadata=ADMIN,
    )
    service.verified.add(company_id)


def posting_input(**changes: Any) -> svc.PostingInput:
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "title": "Competitor pricing study",
        "summary": "Compare prices of five competitors",
        "description": "## What\nA short study.",
        "category": work_pb2.CATEGORY_MARKET_RESEARCH,
        "skills": ["Excel", "Market Research"],
        "estimated_hours": 20,
        "fee": money_pb2.Money(amount_minor=60_000, currency="USD"),
        "positions": 1,
        "acceptance_criteria": ["Sources cited"],
        "ai_policy": work_pb2.AI_POLICY_DISCLOSE,
        "visibility": posting_pb2.VISIBILITY_PUBLIC,
    }
    fields.update(changes)
    message = svc.PostingInput(**fields)
    if "application_deadline" not in changes:
        message.application_deadline.FromDatetime(now + timedelta(days=7))
    if "due_date" not in changes:
        message.due_date.FromDatetime(now + timedelta(days=21))
    return message


async def open_posting(
    service: Service, metadata: Any = EMPLOYER, **changes: Any
) -> posting_pb2.Posting:
    """A published OPEN posting of the caller's company (verified first)."""
    if _ORGS.get(metadata):
        await verify_company(service, _ORGS[metadata])
    created = await service.stub.CreatePosting(
        svc.CreatePostingRequest(posting=posting_input(**changes)), metadata=metadata
    )
    published = await service.stub.PublishPosting(
        svc.PublishPostingRequest(posting_id=created.posting.id), metadata=metadata
    )
    return published.posting


Publish = Callable[..., Awaitable[None]]


@pytest.fixture
async def publish(infra: Infra, unique: str) -> AsyncIterator[Publish]:
    """Publish an event as another service would (CloudEvents headers, keyed by subject);
    `event_id` fixes the ce_id to simulate redeliveries."""
    broker: KafkaBroker = create_broker(infra.kafka_bootstrap, client_id=f"test-{unique}")
    await broker.connect()
    publisher = KafkaEventPublisher(broker)

    async def send(message: Message, topic: str, subject: str, event_id: str = "") -> None:
        envelope = new_envelope(
            message, topic=topic, subject=subject, source="/stint/test", clock=SystemClock()
        )
        if event_id:
            envelope = dataclasses.replace(envelope, id=event_id)
        await publisher.publish(envelope)

    yield send
    await broker.stop()
