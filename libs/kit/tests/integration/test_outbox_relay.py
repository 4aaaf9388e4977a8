"""The single-document outbox and its relay, against the real broker and database."""

from __future__ import annotations

import asyncio

import pytest
from faststream.kafka import KafkaBroker
from google.protobuf.wrappers_pb2 import StringValue

from stint.kit.bus import KafkaEventPublisher
from stint.kit.clock import SystemClock
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import Collection, Document
from stint.kit.outbox import OUTBOX, OUTBOX_SINCE, OutboxCollection
from stint.kit.relay import OutboxRelay
from stint.kit.testing.kafka import headers_of, read_all, wait_for_records

from .events import widget_event


async def test_committed_change_is_published_once_with_cloudevents_headers(
    widgets: OutboxCollection, relay: OutboxRelay, kafka_bootstrap: str, topic: str
) -> None:
    event = widget_event(topic, "wdg_1", "created")
    await widgets.insert({"_id": "wdg_1", "name": "first"}, [event])

    assert await relay.drain() == 1

    [record] = await wait_for_records(kafka_bootstrap, topic, count=1)
    headers = headers_of(record)
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_id"] == event.id
    assert headers["ce_type"] == "google.protobuf.StringValue"
    assert headers["ce_source"] == "/stint/kit-test"
    assert headers["ce_subject"] == "wdg_1"
    assert headers["ce_time"].endswith("Z")
    assert headers["ce_dataschema"] == "https://stint.dev/schemas/proto/google.protobuf.StringValue"
    assert headers["content-type"] == "application/protobuf"
    assert record.key == b"wdg_1"
    assert StringValue.FromString(record.value).value == "created"
    stored = await widgets.get("wdg_1")
    assert stored is not None
    assert stored[OUTBOX] == []
    assert OUTBOX_SINCE not in stored
    # A second pass finds nothing left to publish, so the topic still holds exactly one.
    assert await relay.drain() == 0
    assert len(await read_all(kafka_bootstrap, topic)) == 1


async def test_events_of_one_aggregate_keep_their_order(
    widgets: OutboxCollection, relay: OutboxRelay, kafka_bootstrap: str, topic: str
) -> None:
    await widgets.insert({"_id": "wdg_o"}, [widget_event(topic, "wdg_o", "1")])
    version = 1
    for n in range(2, 6):
        version = await widgets.update(
            "wdg_o", version, {"n": n}, [widget_event(topic, "wdg_o", str(n))]
        )
    await relay.drain()
    records = await wait_for_records(kafka_bootstrap, topic, count=5)
    assert [StringValue.FromString(r.value).value for r in records] == ["1", "2", "3", "4", "5"]


async def test_the_relay_wakes_up_right_after_a_write(
    broker: KafkaBroker, widgets: OutboxCollection, kafka_bootstrap: str, topic: str
) -> None:
    # An hour between sweeps: only the wake-up after the write can explain a prompt publish.
    relay = OutboxRelay(
        "kit-test",
        [widgets.collection],
        KafkaEventPublisher(broker),
        SystemClock(),
        sweep_seconds=3600,
        guard=widgets.guard,
    )
    awake = OutboxCollection(
        widgets.collection, SystemClock(), on_commit=relay.wake, guard=widgets.guard
    )
    task = asyncio.create_task(relay.run())
    try:
        await awake.insert({"_id": "wdg_w"}, [widget_event(topic, "wdg_w", "hello")])
        await wait_for_records(kafka_bootstrap, topic, count=1, timeout=10)
    finally:
        relay.stop()
        await asyncio.wait_for(task, 10)


class CrashAfterPublish(OutboxRelay):
    """A relay that dies between publishing and removing the events."""

    async def acknowledge(
        self, collection: Collection, doc_id: str, stored: list[Document]
    ) -> None:
        raise RuntimeError("killed before $pullAll")


async def test_relay_killed_between_publish_and_remove_republishes_on_restart(
    widgets: OutboxCollection,
    relay: OutboxRelay,
    broker: KafkaBroker,
    kafka_bootstrap: str,
    topic: str,
) -> None:
    event = widget_event(topic, "wdg_2", "created")
    await widgets.insert({"_id": "wdg_2"}, [event])
    crashing = CrashAfterPublish(
        "kit-test", [widgets.collection], relay._publisher, relay._clock, lease_seconds=0.001
    )
    with pytest.raises(RuntimeError):
        await crashing.drain()
    assert (await widgets.get("wdg_2") or {})[OUTBOX] != []  # still pending: nothing lost

    await relay.drain()  # the "restarted" relay

    records = await wait_for_records(kafka_bootstrap, topic, count=2)
    assert [headers_of(r)["ce_id"] for r in records] == [event.id, event.id]
    assert (await widgets.get("wdg_2") or {})[OUTBOX] == []


async def test_conflicting_concurrent_update_is_rejected_and_produces_no_event(
    widgets: OutboxCollection, relay: OutboxRelay, kafka_bootstrap: str, topic: str
) -> None:
    await widgets.insert({"_id": "wdg_3", "owner": "nobody"})
    first = widgets.update("wdg_3", 1, {"owner": "a"}, [widget_event(topic, "wdg_3", "a")])
    second = widgets.update("wdg_3", 1, {"owner": "b"}, [widget_event(topic, "wdg_3", "b")])
    results = await asyncio.gather(first, second, return_exceptions=True)

    assert sorted(type(r).__name__ for r in results) == ["ConcurrencyConflict", "int"]
    stored = await widgets.get("wdg_3")
    assert stored is not None
    assert stored["version"] == 2
    await relay.drain()
    [record] = await wait_for_records(kafka_bootstrap, topic, count=1)
    assert StringValue.FromString(record.value).value == stored["owner"]
    assert len(await read_all(kafka_bootstrap, topic)) == 1


async def test_concurrent_writers_never_lose_an_update(widgets: OutboxCollection) -> None:
    """Many writers racing on one document: each success is a distinct version, none lost."""
    await widgets.insert({"_id": "wdg_c", "hits": []})

    async def writer(name: str) -> bool:
        for _ in range(50):
            doc = await widgets.get("wdg_c")
            assert doc is not None
            try:
                await widgets.update("wdg_c", doc["version"], {"hits": [*doc["hits"], name]})
                return True
            except ConcurrencyConflict:
                continue
        return False

    results = await asyncio.gather(*(writer(f"w{n}") for n in range(8)))
    stored = await widgets.get("wdg_c")
    assert stored is not None
    assert all(results)
    assert sorted(stored["hits"]) == sorted(f"w{n}" for n in range(8))
    assert stored["version"] == 9


async def test_stale_version_and_duplicate_insert_are_refused(widgets: OutboxCollection) -> None:
    await widgets.insert({"_id": "wdg_4"})
    await widgets.update("wdg_4", 1, {"x": 1})
    with pytest.raises(ConcurrencyConflict):
        await widgets.update("wdg_4", 1, {"x": 2})
    with pytest.raises(ConcurrencyConflict):
        await widgets.update("wdg_missing", 1, {"x": 2})
    with pytest.raises(AlreadyExists):
        await widgets.insert({"_id": "wdg_4"})
    with pytest.raises(ValueError, match="reserved"):
        await widgets.update("wdg_4", 2, {"version": 7})
