"""`KeyedConsumer` against the real broker: one key in order, keys concurrently, offsets
committed only after the effect (read back from the broker), stop and rebalance."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from google.protobuf.wrappers_pb2 import StringValue

from stint.contracts.topics import dlq_topic
from stint.kit.bus import (
    DeadLetterSink,
    EventConsumer,
    EventRouter,
    KafkaEventPublisher,
    RetryPolicy,
    create_broker,
    dead_letter_sink,
)
from stint.kit.consumer import KeyedConsumer
from stint.kit.envelope import Envelope
from stint.kit.testing.kafka import headers_of, wait_for_records
from stint.kit.testing.poll import eventually
from stint.kit.topics_admin import ensure_topics

from .events import widget_event

Handler = Callable[[StringValue, Envelope], Awaitable[None]]
T = TypeVar("T")


@asynccontextmanager
async def running(
    bootstrap: str,
    service: str,
    topic: str,
    handler: Handler,
    *,
    partitions: int = 1,
    sink: Callable[[KafkaBroker], DeadLetterSink] = dead_letter_sink,
) -> AsyncIterator[KeyedConsumer]:
    """A started consumer in group `service`; stopped on exit unless the test stopped it."""
    router = EventRouter()
    router.handler(topic, StringValue)(handler)
    broker = create_broker(bootstrap, client_id=service)
    await broker.connect()
    retry = RetryPolicy(max_attempts=2, backoff_seconds=0.01, backoff_max_seconds=0.02)
    events = EventConsumer(service, router, sink(broker), retry)
    keyed = KeyedConsumer(events, [topic], bootstrap=bootstrap, partitions=lambda _: partitions)
    await keyed.start()
    try:
        yield keyed
    finally:
        await keyed.stop(grace=5)
        await broker.stop()


async def publish(broker: KafkaBroker, topic: str, events: list[tuple[str, str]]) -> None:
    """(key, text) pairs, in order, each acknowledged before the next."""
    publisher = KafkaEventPublisher(broker)
    for key, text in events:
        await publisher.publish(widget_event(topic, key, text))


async def committed(bootstrap: str, group: str) -> dict[int, int]:
    """The group's committed offsets on the broker, by partition."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items()}


async def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """Where each partition of `topic` ends now (what a group done with it has committed)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    tps = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        consumer.assign(tps)
        return {tp.partition: offset for tp, offset in (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()


def values(seen: list[T]) -> Callable[[], list[T]]:
    return lambda: list(seen)


def equals(expected: T) -> Callable[[T], bool]:
    """`until=` for `eventually` (a lambda leaves mypy unable to infer the probe's type)."""
    return lambda value: value == expected


def commits(bootstrap: str, group: str) -> Callable[[], Awaitable[dict[int, int]]]:
    """A probe for `eventually`: the group's committed offsets."""

    async def probe() -> dict[int, int]:
        return await committed(bootstrap, group)

    return probe


# --- order and concurrency ------------------------------------------------------------


async def test_a_blocked_key_does_not_hold_back_the_other_keys_of_its_partition(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    await ensure_topics(kafka_bootstrap, {topic: 1})  # one partition: only keys tell apart
    release = asyncio.Event()
    seen: list[str] = []

    async def handle(event: StringValue, envelope: Envelope) -> None:
        if event.value == "A1":
            await release.wait()
        seen.append(event.value)

    await publish(broker, topic, [("A", "A1"), ("A", "A2"), ("B", "B1"), ("B", "B2")])
    async with running(kafka_bootstrap, f"svc_{unique}", topic, handle) as keyed:
        await eventually(values(seen), until=lambda s: s == ["B1", "B2"], what="key B done")
        assert keyed.in_flight == 1  # A1, blocked; A2 waits behind it
        assert await committed(kafka_bootstrap, f"svc_{unique}") in ({}, {0: 0})
        release.set()
        await eventually(values(seen), until=lambda s: len(s) == 4, what="key A done")
        await eventually(
            commits(kafka_bootstrap, f"svc_{unique}"),
            until=equals({0: 4}),
            what="all committed",
        )
    assert seen == ["B1", "B2", "A1", "A2"]


async def test_many_keys_run_concurrently_and_each_key_stays_in_order(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    rnd = random.Random(7)
    sent = [(f"wdg_{rnd.randrange(20)}", str(i)) for i in range(200)]
    handled: dict[str, list[int]] = defaultdict(list)
    busy: set[str] = set()
    overlaps: list[str] = []
    peak = 0

    async def handle(event: StringValue, envelope: Envelope) -> None:
        nonlocal peak
        if envelope.key in busy:
            overlaps.append(envelope.key)
        busy.add(envelope.key)
        peak = max(peak, len(busy))
        await asyncio.sleep(rnd.uniform(0, 0.01))  # the handler's own work, not a wait
        handled[envelope.key].append(int(event.value))
        busy.discard(envelope.key)

    await ensure_topics(kafka_bootstrap, {topic: 3})
    await publish(broker, topic, sent)
    service = f"svc_{unique}"
    async with running(kafka_bootstrap, service, topic, handle, partitions=3):
        await eventually(
            lambda: sum(map(len, handled.values())),
            until=lambda n: n == 200,
            timeout=30,
            what="200 events",
        )
        ends = await end_offsets(kafka_bootstrap, topic)
        await eventually(commits(kafka_bootstrap, service), until=equals(ends), what="commit")

    expected: dict[str, list[int]] = defaultdict(list)
    for key, text in sent:
        expected[key].append(int(text))
    assert handled == expected  # every event once, in publish order per key
    assert overlaps == []  # never two records of one key at once
    assert peak > 1


# --- commits follow the effect --------------------------------------------------------


async def test_the_commit_never_passes_an_unfinished_record_which_comes_again_after_restart(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    await ensure_topics(kafka_bootstrap, {topic: 1})
    service = f"svc_{unique}"
    first: list[str] = []

    async def slow_on_s(event: StringValue, envelope: Envelope) -> None:
        if event.value == "S":
            await asyncio.Event().wait()  # never finishes in this process
        first.append(event.value)

    # Offsets: X 0, S 1 (never done), then 2..5 on other keys (done, but behind S).
    later = [("wdg_b", "B1"), ("wdg_c", "C1"), ("wdg_b", "B2"), ("wdg_d", "D1")]
    await publish(broker, topic, [("wdg_x", "X"), ("wdg_s", "S"), *later])
    async with running(kafka_bootstrap, service, topic, slow_on_s) as keyed:
        await eventually(values(first), until=lambda s: len(s) == 5, what="all but S")
        assert await keyed.commit()  # whatever is committable, now
        assert await committed(kafka_bootstrap, service) == {0: 1}  # X only: S is not done
        await keyed.stop(grace=0.2)  # S overstays the grace and is cancelled
    assert await committed(kafka_bootstrap, service) == {0: 1}

    second: list[str] = []

    async def record(event: StringValue, envelope: Envelope) -> None:
        second.append(event.value)

    async with running(kafka_bootstrap, service, topic, record):
        await eventually(values(second), until=lambda s: len(s) == 5, what="redelivery")
        await eventually(commits(kafka_bootstrap, service), until=equals({0: 6}))
    assert sorted(second) == sorted(["S", "B1", "C1", "B2", "D1"])  # X was committed
    assert second.index("B1") < second.index("B2")


async def test_a_record_that_cannot_even_be_dead_lettered_blocks_its_key_and_is_retried(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    await ensure_topics(kafka_bootstrap, {topic: 1})
    service = f"svc_{unique}"
    dlq_calls: list[str] = []
    seen: list[tuple[str, int]] = []

    def flaky_sink(broker: KafkaBroker) -> DeadLetterSink:
        """The real DLQ producer, unreachable for the first two records' attempts."""
        real = dead_letter_sink(broker)

        async def send(t: str, k: bytes | None, v: bytes | None, h: dict[str, str]) -> None:
            dlq_calls.append(h["dlq_offset"])
            if len(dlq_calls) <= 2:
                raise ConnectionError("DLQ unreachable")
            await real(t, k, v, h)

        return send

    async def handle(event: StringValue, envelope: Envelope) -> None:
        if event.value == "poison":
            raise ValueError("cannot apply")
        seen.append((event.value, len(dlq_calls)))

    await publish(broker, topic, [("wdg_p", "poison"), ("wdg_p", "after"), ("wdg_q", "other")])
    async with running(kafka_bootstrap, service, topic, handle, sink=flaky_sink):
        await eventually(values(seen), until=lambda s: len(s) == 2, what="both handled")
        [dead] = await wait_for_records(kafka_bootstrap, dlq_topic(service), count=1)
        await eventually(commits(kafka_bootstrap, service), until=equals({0: 3}))

    assert dlq_calls == ["0", "0", "0"]  # the same record, until the DLQ took it
    assert headers_of(dead)["dlq_reason"] == "handler_failed"
    by_value = dict(seen)
    assert by_value["other"] < 3  # its key did not wait for the poison record
    assert by_value["after"] == 3  # its key did: handled after the DLQ write


# --- stopping and rebalancing -----------------------------------------------------------


async def test_stop_commits_what_finished_in_the_grace_and_nothing_that_did_not(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    await ensure_topics(kafka_bootstrap, {topic: 1})
    service = f"svc_{unique}"
    release = asyncio.Event()
    seen: list[str] = []

    async def handle(event: StringValue, envelope: Envelope) -> None:
        if event.value == "k2a":
            await release.wait()
        seen.append(event.value)

    # k2a (offset 1) is running at the stop and finishes within the grace; k2b (2) waits
    # behind it and never starts; k3 (3) is done but behind k2b.
    sent = [("wdg_1", "k1"), ("wdg_2", "k2a"), ("wdg_2", "k2b"), ("wdg_3", "k3")]
    await publish(broker, topic, sent)
    async with running(kafka_bootstrap, service, topic, handle) as keyed:
        await eventually(values(seen), until=lambda s: s == ["k1", "k3"], what="k1 and k3")
        stopping = asyncio.create_task(keyed.stop(grace=10))
        await eventually(lambda: keyed.stopping, what="stop begun")
        release.set()
        await stopping
    assert seen == ["k1", "k3", "k2a"]  # k2b was not started after the stop began
    assert await committed(kafka_bootstrap, service) == {0: 2}

    again: list[str] = []

    async def record(event: StringValue, envelope: Envelope) -> None:
        again.append(event.value)

    async with running(kafka_bootstrap, service, topic, record):
        await eventually(values(again), until=lambda s: len(s) == 2, what="redelivery")
    assert sorted(again) == ["k2b", "k3"]


async def test_a_rebalance_hands_partitions_over_without_losing_or_overlapping_records(
    broker: KafkaBroker, kafka_bootstrap: str, topic: str, unique: str
) -> None:
    await ensure_topics(kafka_bootstrap, {topic: 3})
    service = f"svc_{unique}"
    sent = [(f"wdg_{i % 12}", str(i)) for i in range(240)]  # 20 a key: ~4 s of work a key
    completions: list[tuple[str, str, int]] = []  # (consumer, key, n) as handlers finish
    busy: set[str] = set()
    overlaps: list[str] = []

    def handler(name: str) -> Handler:
        async def handle(event: StringValue, envelope: Envelope) -> None:
            if envelope.key in busy:
                overlaps.append(envelope.key)
            busy.add(envelope.key)
            await asyncio.sleep(0.2)  # the handler's own work, not a wait for an effect
            busy.discard(envelope.key)
            completions.append((name, envelope.key, int(event.value)))

        return handle

    def distinct() -> int:
        return len({n for _, _, n in completions})

    await publish(broker, topic, sent)
    async with running(kafka_bootstrap, service, topic, handler("a"), partitions=3):
        await eventually(distinct, until=lambda n: n >= 12, what="a under way")
        async with running(kafka_bootstrap, service, topic, handler("b"), partitions=3):
            await eventually(distinct, until=lambda n: n == 240, timeout=60, what="all 240")
            ends = await end_offsets(kafka_bootstrap, topic)
            await eventually(commits(kafka_bootstrap, service), until=equals(ends))

    assert {name for name, _, _ in completions} == {"a", "b"}  # b took partitions over
    assert overlaps == []  # the revoked side finished its records before b started them
    first: dict[str, list[int]] = defaultdict(list)  # first handling of each event, per key
    seen: set[int] = set()
    for _, key, n in completions:
        if n not in seen:
            seen.add(n)
            first[key].append(n)
    for key, ns in first.items():
        assert ns == sorted(ns), key
