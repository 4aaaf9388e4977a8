"""The wiring services rely on: `infra.consume(router)` makes the consumer, `ServiceRunner`
starts it after the broker connects (creating the topics first) and stops it."""

from __future__ import annotations

import aiohttp
from aiokafka.admin import AIOKafkaAdminClient
from google.protobuf.wrappers_pb2 import StringValue

from stint.contracts import topics
from stint.contracts.topics import dlq_topic
from stint.kit.bootstrap import connect
from stint.kit.bus import EventRouter, KafkaEventPublisher
from stint.kit.consumer import attached
from stint.kit.envelope import Envelope
from stint.kit.mongo import Database
from stint.kit.runner import ServiceRunner
from stint.kit.settings import KitSettings
from stint.kit.testing.infra import Infra
from stint.kit.testing.poll import eventually

from .events import widget_event


async def partition_counts(bootstrap: str, names: list[str]) -> dict[str, int]:
    """Partitions of those of `names` that exist (describing a missing topic would create it,
    the broker auto-creates topics: so only existing ones are described)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        present = [n for n in names if n in set(await admin.list_topics())]
        described = await admin.describe_topics(present) if present else []
        offsets = {d["topic"]: len(d["partitions"]) for d in described if d["error_code"] == 0}
    finally:
        await admin.close()
    return offsets


async def committed_total(bootstrap: str, group: str) -> int:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return sum(meta.offset for meta in offsets.values())


async def test_the_runner_runs_the_consumer_that_infrastructure_consume_made(
    infra: Infra, kafka_bootstrap: str, mongo_db: Database, unique: str
) -> None:
    settings = KitSettings(
        service_name="payouts",  # a service of the spec: its DLQ has a partition count there
        kafka_bootstrap=kafka_bootstrap,
        mongo_uri=infra.mongo_uri,
        mongo_database=mongo_db.name,
        kafka_topic_prefix=f"t{unique}.",
        http_port=0,
        grpc_port=0,
        shutdown_grace_seconds=2,
    )
    postings = settings.topic(topics.POSTINGS)
    dlq = settings.topic(dlq_topic(settings.service_name))
    seen: list[str] = []

    async def handle(event: StringValue, envelope: Envelope) -> None:
        seen.append(event.value)

    infrastructure = await connect(settings)
    router = EventRouter()
    router.handler(postings, StringValue)(handle)
    infrastructure.consume(router)
    [keyed] = attached(infrastructure.broker)
    assert keyed.events.group_id == settings.consumer_group
    assert keyed.concurrency == settings.consumer_concurrency == 16
    assert keyed.max_buffered == 64
    runner = ServiceRunner(settings, mongo=infrastructure.mongo, broker=infrastructure.broker)
    assert await partition_counts(kafka_bootstrap, [postings, dlq]) == {}  # nothing yet

    await runner.start()
    try:
        # Created from the spec before the group joined: an event published now is not
        # stranded until the consumer's next metadata refresh.
        assert await partition_counts(kafka_bootstrap, [postings, dlq]) == {postings: 3, dlq: 1}
        publisher = KafkaEventPublisher(infrastructure.broker)
        for i in range(6):
            await publisher.publish(widget_event(postings, f"pst_{i % 3}", str(i)))
        await eventually(lambda: len(seen), until=lambda n: n == 6, what="6 events")

        async def total() -> int:
            return await committed_total(kafka_bootstrap, settings.consumer_group)

        def six(n: int) -> bool:
            return n == 6

        await eventually(total, until=six, what="offsets committed")

        async def metrics() -> str:
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{runner.ops.port}/metrics") as response,
            ):
                return await response.text()

        def lag_of(text: str) -> list[str]:
            return [
                line
                for line in text.splitlines()
                if line.startswith("stint_consumer_commit_lag{") and f'topic="{postings}"' in line
            ]

        # The lag gauge is set after the commit returns, so it may trail the broker's offsets.
        text = await eventually(
            metrics,
            until=lambda t: bool(lag_of(t)) and all(line.endswith(" 0.0") for line in lag_of(t)),
            what="a commit lag of 0 on every partition",
        )
        assert 'stint_consumer_in_flight{service="payouts"}' in text
        assert 'stint_consumer_buffered{service="payouts"} 0.0' in text
    finally:
        await runner.stop()
    assert keyed.stopping
    assert sorted(seen) == [str(i) for i in range(6)]
