"""Reading what actually reached the broker, for assertions in integration tests."""

from __future__ import annotations

import time
from typing import TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from stint.kit.testing.poll import eventually

Record: TypeAlias = ConsumerRecord  # aiokafka ships no type information


async def read_all(bootstrap: str, topic: str, *, timeout: float = 15.0) -> list[Record]:
    """Every record in `topic` up to its end offsets as of this call (all partitions).

    Reading to the end offsets, rather than for a while, lets a test assert that a record is
    *absent* (no duplicate) without sleeping.
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = await _partitions(bootstrap, topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            return []
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        records: list[Record] = []
        deadline = time.monotonic() + timeout
        while not await _at_end(consumer, end):
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end within {timeout}s")
            batch = await consumer.getmany(*tps, timeout_ms=200)
            for partition_records in batch.values():
                records.extend(partition_records)
        return records
    finally:
        await consumer.stop()


async def _partitions(bootstrap: str, topic: str) -> list[int]:
    """The topic's partitions, or none when it does not exist (yet)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if described["error_code"] != 0:  # UNKNOWN_TOPIC_OR_PARTITION: nothing published yet
        return []
    return [p["partition"] for p in described["partitions"]]


async def _at_end(consumer: AIOKafkaConsumer, end: dict[TopicPartition, int]) -> bool:
    for tp, offset in end.items():
        if await consumer.position(tp) < offset:
            return False
    return True


async def wait_for_records(
    bootstrap: str, topic: str, *, count: int, timeout: float = 20.0
) -> list[Record]:
    """Poll `read_all` until `topic` holds at least `count` records."""

    async def probe() -> list[Record]:
        return await read_all(bootstrap, topic)

    return await eventually(
        probe, until=lambda r: len(r) >= count, timeout=timeout, what=f"{count} records in {topic}"
    )


def headers_of(record: Record) -> dict[str, str]:
    return {name: value.decode() for name, value in record.headers}
