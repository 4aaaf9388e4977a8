"""Helpers of the integration tests: posting snapshots, callers, the service harness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from faststream.kafka import KafkaBroker
from google.protobuf.message import Message
from prometheus_client import REGISTRY

from stint.common.v1 import event_pb2, money_pb2
from stint.kit.bus import KafkaEventPublisher
from stint.kit.clock import SystemClock
from stint.kit.envelope import Envelope, new_envelope
from stint.kit.grpc import Caller
from stint.kit.ids import new_id
from stint.kit.mongo import Database
from stint.kit.runner import ServiceRunner
from stint.kit.testing.identity import metadata_for
from stint.kit.testing.poll import eventually
from stint.postings.v1 import posting_pb2


def posting(**overrides: Any) -> posting_pb2.Posting:
    """An open, public posting with one position; `overrides` set any Posting field."""
    now = datetime.now(UTC)
    p = posting_pb2.Posting(
        id=new_id("pst"),
        company_id=new_id("cmp"),
        title="Market sizing for a bike-sharing startup",
        category=1,
        skills=["market-research"],
        estimated_hours=20,
        fee=money_pb2.Money(amount_minor=50_000, currency="USD"),
        positions=1,
        acceptance_criteria=["A 10-slide deck"],
        ai_policy=2,
        visibility=posting_pb2.Visibility.VISIBILITY_PUBLIC,
        status=posting_pb2.PostingStatus.POSTING_STATUS_OPEN,
        version=1,
    )
    p.application_deadline.FromDatetime(now + timedelta(days=7))
    p.due_date.FromDatetime(now + timedelta(days=30))
    for name, value in overrides.items():
        if isinstance(value, list):
            p.ClearField(name)
            getattr(p, name).extend(value)
        else:
            setattr(p, name, value)
    return p


@dataclass
class Harness:
    runner: ServiceRunner
    stub: Any
    db: Database
    broker: KafkaBroker
    bootstrap: str
    postings_topic: str
    applications_topic: str

    def envelope(self, event: Message, posting_id: str, key: str = "") -> Envelope:
        """A posting event as the postings service would publish it (optionally another key,
        hence maybe another partition)."""
        env = _envelope(event, self.postings_topic, posting_id, "/stint/postings")
        if key:
            env = Envelope(**{**env.__dict__, "key": key})
        return env

    def own_envelope(self, event: Message, application_id: str) -> Envelope:
        """An event of this service's own topic, as it would publish it."""
        return _envelope(event, self.applications_topic, application_id, "/stint/applications")

    async def publish(self, *envelopes: Envelope) -> None:
        publisher = KafkaEventPublisher(self.broker)
        for env in envelopes:
            await publisher.publish(env)

    async def publish_to_partition(self, envelope: Envelope, partition: int) -> None:
        """Publish on a chosen partition, as a misbehaving or repartitioned producer might."""
        await self.broker.publish(
            envelope.data,
            topic=envelope.topic,
            key=envelope.key.encode(),
            headers=envelope.headers(),
            partition=partition,
        )

    async def publish_posting(self, event: Message, posting_id: str) -> Envelope:
        env = self.envelope(event, posting_id)
        await self.publish(env)
        return env

    async def projected(self, posting_id: str, version: int) -> dict[str, Any]:
        """Wait until the projection holds (at least) that posting version."""

        async def probe() -> dict[str, Any] | None:
            return await self.db["postings"].find_one({"_id": posting_id})

        doc = await eventually(
            probe,
            until=lambda d: d is not None and d["source_version"] >= version,
            what=f"projection of {posting_id} at v{version}",
        )
        assert doc is not None
        return doc

    async def call(self, method: str, request: Message, caller: Caller) -> Any:
        return await getattr(self.stub, method)(
            request, metadata=metadata_for(caller, "applications")
        )


def _envelope(event: Message, topic: str, subject: str, source: str) -> Envelope:
    return new_envelope(event, topic=topic, subject=subject, source=source, clock=SystemClock())


def context() -> event_pb2.EventContext:
    return event_pb2.EventContext(
        actor=event_pb2.Actor(subject="usr_emp", role="employer"), correlation_id="req-test"
    )


def student(university: str = "") -> Caller:
    return Caller(new_id("usr"), "student", university, new_id("req"))


def employer(company_id: str) -> Caller:
    return Caller(new_id("usr"), "employer", company_id, new_id("req"))


def stale_snapshots() -> float:
    """How many posting snapshots this process ignored as not newer (a process-wide counter)."""
    value = REGISTRY.get_sample_value("stint_posting_snapshots_total", {"outcome": "stale"})
    return value or 0.0
