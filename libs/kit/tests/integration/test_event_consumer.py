"""Consuming through the kit's `KeyedConsumer`: routing, idempotency, retries and the DLQ."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from faststream.kafka import KafkaBroker
from google.protobuf.wrappers_pb2 import Int64Value, StringValue

from stint.contracts.topics import dlq_topic
from stint.kit.bus import (
    EventConsumer,
    EventRouter,
    KafkaEventPublisher,
    RetryPolicy,
    create_broker,
    dead_letter_sink,
)
from stint.kit.clock import SystemClock
from stint.kit.consumer import KeyedConsumer
from stint.kit.docguard import DocumentGuard
from stint.kit.envelope import Envelope
from stint.kit.mongo import Database
from stint.kit.outbox import OutboxCollection, already_applied, remember_applied
from stint.kit.relay import OutboxRelay
from stint.kit.testing.kafka import headers_of, read_all, wait_for_records
from stint.kit.testing.poll import eventually

from .events import widget_event

Handler = Callable[[StringValue, Envelope], Awaitable[None]]


@asynccontextmanager
async def consuming(
    bootstrap: str, service: str, topic: str, handler: Handler, attempts: int = 3
) -> AsyncIterator[KafkaBroker]:
    """A connected broker and a started `KeyedConsumer` routing StringValue events to
    `handler` (the service's consumer as `Infrastructure.consume` builds it)."""
    router = EventRouter()
    router.handler(topic, StringValue)(handler)
    broker = create_broker(bootstrap, client_id=service)
    consumer = EventConsumer(
        service,
        router,
        dead_letter_sink(broker),
        RetryPolicy(max_attempts=attempts, backoff_seconds=0.01, backoff_max_seconds=0.05),
    )
    keyed = KeyedConsumer(consumer, router.topics, bootstrap=bootstrap)
    await broker.connect()
    await keyed.start()
    try:
        yield broker
    finally:
        await keyed.stop(grace=5)
        await broker.stop()


async def send(
    broker: KafkaBroker, topic: str, key: str, value: bytes, headers: dict[str, str]
) -> None:
    await broker.publish(value, topic=topic, key=key.encode(), headers=headers)


async def test_relay_crash_duplicate_is_applied_only_once(
    broker: KafkaBroker,
    mongo_db: Database,
    guard: DocumentGuard,
    kafka_bootstrap: str,
    topic: str,
    unique: str,
) -> None:
    """The same event delivered twice (a relay crashed before removing it) counts once."""
    counters = OutboxCollection(mongo_db["counters"], SystemClock(), guard=guard)
    await counters.insert({"_id": "ctr_1", "count": 0})
    calls: list[str] = []

    async def count(event: StringValue, envelope: Envelope) -> None:
        calls.append(envelope.id)
        doc = await counters.get("ctr_1")
        assert doc is not None
        if already_applied(doc, envelope.id):
            return
        await counters.update(
            "ctr_1",
            doc["version"],
            {"count": doc["count"] + 1},
            applied_events=remember_applied(doc, envelope.id),
        )

    event = widget_event(topic, "wdg_1", "+1")
    publisher = KafkaEventPublisher(broker)
    await publisher.publish(event)
    await publisher.publish(event)  # what a relay restarted after a crash does

    async with consuming(kafka_bootstrap, f"svc_{unique}", topic, count):
        await eventually(lambda: len(calls), until=lambda n: n == 2, what="2 deliveries")

    doc = await counters.get("ctr_1")
    assert doc is not None
    assert doc["count"] == 1
    assert doc["applied_events"] == [event.id]


async def test_poison_records_go_to_the_dlq_and_the_partition_moves_on(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    service = f"svc_{unique}"
    handled: list[str] = []

    async def handle(event: StringValue, envelope: Envelope) -> None:
        handled.append(event.value)

    good = widget_event(topic, "wdg_p", "good")
    # Same key, so the same partition: the good record sits behind both poison ones.
    await send(broker, topic, "wdg_p", b"no envelope", {"content-type": "text/plain"})
    await send(broker, topic, "wdg_p", b"\xff\xff\xff", good.headers() | {"ce_id": "evt_bad"})
    await KafkaEventPublisher(broker).publish(good)

    async with consuming(kafka_bootstrap, service, topic, handle):
        await eventually(lambda: len(handled), until=lambda n: n == 1, what="good record")
        dead = await wait_for_records(kafka_bootstrap, dlq_topic(service), count=2)

    assert handled == ["good"]
    reasons = sorted(headers_of(r)["dlq_reason"] for r in dead)
    assert reasons == ["malformed_envelope", "undecodable"]
    assert {r.value for r in dead} == {b"no envelope", b"\xff\xff\xff"}
    for record in dead:
        h = headers_of(record)
        assert h["dlq_topic"] == topic
        assert h["dlq_error"]
        assert record.key == b"wdg_p"


async def test_a_failing_handler_is_retried_and_its_event_is_not_lost(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    service = f"svc_{unique}"
    attempts: list[str] = []

    async def flaky(event: StringValue, envelope: Envelope) -> None:
        attempts.append(event.value)
        if len(attempts) < 3:
            raise ConnectionError("database hiccup")

    await KafkaEventPublisher(broker).publish(widget_event(topic, "wdg_r", "important"))
    async with consuming(kafka_bootstrap, service, topic, flaky, attempts=4):
        await eventually(lambda: len(attempts), until=lambda n: n == 3, what="3 attempts")

    assert attempts == ["important"] * 3
    assert await read_all(kafka_bootstrap, dlq_topic(service)) == []


async def test_a_handler_failing_every_time_ends_in_the_dlq_with_its_error(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    service = f"svc_{unique}"

    async def broken(event: StringValue, envelope: Envelope) -> None:
        raise ValueError("cannot apply this")

    event = widget_event(topic, "wdg_d", "doomed")
    await KafkaEventPublisher(broker).publish(event)
    async with consuming(kafka_bootstrap, service, topic, broken, attempts=3):
        [dead] = await wait_for_records(kafka_bootstrap, dlq_topic(service), count=1)

    h = headers_of(dead)
    assert h["dlq_reason"] == "handler_failed"
    assert h["dlq_attempts"] == "3"
    assert "ValueError: cannot apply this" in h["dlq_error"]
    assert h["ce_id"] == event.id  # the original envelope travels with it


async def test_unknown_event_types_are_ignored(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    service = f"svc_{unique}"
    handled: list[str] = []

    async def handle(event: StringValue, envelope: Envelope) -> None:
        handled.append(event.value)

    publisher = KafkaEventPublisher(broker)
    unknown = widget_event(topic, "wdg_u", "x")
    await publisher.publish(
        Envelope(**{**unknown.__dict__, "type": Int64Value.DESCRIPTOR.full_name, "data": b""})
    )
    await publisher.publish(widget_event(topic, "wdg_u", "known"))
    async with consuming(kafka_bootstrap, service, topic, handle):
        await eventually(lambda: len(handled), until=lambda n: n == 1, what="known event")

    assert handled == ["known"]
    assert await read_all(kafka_bootstrap, dlq_topic(service)) == []


async def test_outbox_to_consumer_end_to_end(
    broker: KafkaBroker,
    mongo_db: Database,
    guard: DocumentGuard,
    kafka_bootstrap: str,
    topic: str,
    unique: str,
) -> None:
    """A write in one "service" reaches another's handler through the relay and the bus."""
    seen: list[str] = []

    async def handle(event: StringValue, envelope: Envelope) -> None:
        seen.append(envelope.subject)

    widgets = OutboxCollection(mongo_db["widgets"], SystemClock(), guard=guard)
    relay = OutboxRelay(
        "producer", [widgets.collection], KafkaEventPublisher(broker), SystemClock()
    )
    await widgets.insert({"_id": "wdg_e"}, [widget_event(topic, "wdg_e", "made")])
    async with consuming(kafka_bootstrap, f"svc_{unique}", topic, handle):
        await relay.drain()
        await eventually(lambda: len(seen), until=lambda n: n == 1, what="delivery")
    assert seen == ["wdg_e"]
