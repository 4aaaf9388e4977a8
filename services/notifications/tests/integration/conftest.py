"""Fixtures: the real service (real Kafka + FerretDB), a real receiver on loopback, a stub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import pytest
from aiohttp import web
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker
from google.protobuf.message import Message as ProtoMessage

from notifications.bootstrap import build
from notifications.config import Settings
from stint.contracts import topics
from stint.kit.bus import KafkaEventPublisher, create_broker
from stint.kit.clock import Clock, SystemClock
from stint.kit.envelope import Envelope, new_envelope
from stint.kit.grpc import Caller
from stint.kit.mongo import Database
from stint.kit.runner import ServiceRunner
from stint.kit.testing.identity import metadata_for
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceStub

# Compressed schedule: retries within a fraction of a second, no jitter (assertable timing).
FAST_SCHEDULE = (0.0, 0.2, 0.2, 0.2, 0.2)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 answering from per-path scripts of status codes."""

    base: str = ""
    received: list[Received] = field(default_factory=list)
    scripts: dict[str, list[int]] = field(default_factory=dict)
    # Paths whose requests hang until the event is set (a slow receiver).
    gates: dict[str, asyncio.Event] = field(default_factory=dict)

    def url(self, path: str, *statuses: int) -> str:
        self.scripts[path] = list(statuses)
        return f"{self.base}{path}"

    def at(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.text()
        self.received.append(Received(request.path, dict(request.headers), body))
        if request.path in self.gates:
            await self.gates[request.path].wait()
        script = self.scripts.get(request.path, [])
        status = script.pop(0) if len(script) > 1 else (script[0] if script else 200)
        return web.Response(status=status, text=f"status {status}")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.base = f"http://127.0.0.1:{port}"
    yield rec
    await runner.cleanup()


def settings_for(mongo_db: Database, kafka: str, prefix: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "grpc_port": 0,
        "http_port": 0,
        "kafka_bootstrap": kafka,
        "mongo_database": mongo_db.name,
        "kafka_topic_prefix": prefix,
        "timer_poll_seconds": 0.05,
        "relay_sweep_seconds": 0.5,
        "webhook_schedule_seconds": FAST_SCHEDULE,
        "webhook_jitter": 0.0,
        "webhook_allow_loopback": True,
        "webhook_timeout_seconds": 5.0,
        "shutdown_grace_seconds": 2.0,
    }
    return Settings(**(values | overrides))


@pytest.fixture
async def prefix(kafka_bootstrap: str, unique: str) -> str:
    """Private topics, created up front so the consumer is assigned them at once."""
    prefix = f"t{unique}."
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        names = [spec.name for spec in topics.DOMAIN_TOPICS]
        await admin.create_topics([NewTopic(prefix + n, 1, 1) for n in names])
    finally:
        await admin.close()
    return prefix


Start = Callable[..., Awaitable[ServiceRunner]]


@pytest.fixture
async def start_service(
    mongo_db: Database, kafka_bootstrap: str, prefix: str
) -> AsyncIterator[Start]:
    """Builds and starts the service (as often as a test wants); stops what is running."""
    running: list[ServiceRunner] = []

    async def start(**overrides: Any) -> ServiceRunner:
        runner = await build(settings_for(mongo_db, kafka_bootstrap, prefix, **overrides))
        await runner.start()
        running.append(runner)
        return runner

    yield start
    for runner in running:
        if runner.ops.ready:
            await runner.stop()


@pytest.fixture
async def service(start_service: Start) -> ServiceRunner:
    return await start_service()


def stub_for(runner: ServiceRunner) -> tuple[grpc.aio.Channel, NotificationsServiceStub]:
    port = runner.grpc_server.port  # type: ignore[union-attr]
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    return channel, NotificationsServiceStub(channel)


@pytest.fixture
async def stub(service: ServiceRunner) -> AsyncIterator[NotificationsServiceStub]:
    channel, stub = stub_for(service)
    yield stub
    await channel.close()


def as_(role: str, org: str = "", subject: str = "usr_tester") -> tuple[tuple[str, str], ...]:
    return metadata_for(
        Caller(subject=subject, role=role, org=org, request_id="req-test"), "notifications"
    )


class Publisher:
    def __init__(self, broker: KafkaBroker, prefix: str) -> None:
        self._publisher = KafkaEventPublisher(broker)
        self._prefix = prefix
        self.last: Envelope | None = None

    async def publish(
        self, topic: str, event: ProtoMessage, subject: str, clock: Clock | None = None
    ) -> str:
        """Publish `event`; `clock` sets its ce_time (e.g. a late event's past time)."""
        envelope = new_envelope(
            event,
            topic=self._prefix + topic,
            subject=subject,
            source="/stint/test",
            clock=clock or SystemClock(),
        )
        await self._publisher.publish(envelope)
        self.last = envelope
        return envelope.id

    async def republish(self, envelope: Envelope) -> None:
        """The same record again (same ce_id), as after a consumer crash."""
        await self._publisher.publish(envelope)


@pytest.fixture
async def publisher(kafka_bootstrap: str, prefix: str) -> AsyncIterator[Publisher]:
    broker = create_broker(kafka_bootstrap, client_id=f"test-{prefix}")
    await broker.connect()
    yield Publisher(broker, prefix)
    await broker.stop()
