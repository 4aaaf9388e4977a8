"""Dead letters: list them per service, and re-drive them after a fix (`make dlq`).

    python -m stint.kit.dlq list [SERVICE]                 every dead letter: when, why, what
    python -m stint.kit.dlq redrive SERVICE [--offset N]   send them (or one) back where they
                                                           came from

A dead letter (`stint.kit.bus`) is the original record (key, value, headers) plus `dlq_*`
headers saying why. Re-driving publishes the original record again, unchanged: its CloudEvents
id is the same, so every consumer that applied it already skips it (the inbox), and only the
one that failed applies it now. Which dead letters were re-driven is kept as the committed
offset of the consumer group ``stint-dlq-redrive.<service>``: `redrive` without `--offset`
sends the ones after it and moves it; `list` marks the ones before it.

The broker: STINT_KAFKA_BOOTSTRAP, else the one `make up` started (its state folder's
platform.env), else 127.0.0.1:9092. It is in the kit so that every service image has it: in
Kubernetes it runs as a one-off pod (docs/runbooks.md, StintDeadLetters).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from stint.contracts.topics import SERVICES, dlq_topic

ROOT = Path(__file__).resolve().parents[5]  # the repository, for `make up`'s state folder
READ_SECONDS = 20.0  # to read a dead-letter topic to its end (retention may have trimmed it)


@dataclass(frozen=True)
class DeadLetter:
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]

    @property
    def original(self) -> list[tuple[str, bytes]]:
        """The headers the record had before it was dead-lettered."""
        return [(k, v.encode()) for k, v in self.headers.items() if not k.startswith("dlq_")]


def bootstrap() -> str:
    if os.environ.get("STINT_KAFKA_BOOTSTRAP"):
        return os.environ["STINT_KAFKA_BOOTSTRAP"]
    state = Path(os.environ.get("STINT_STATE", ROOT / ".stint"))
    env = state / "run" / "platform.env"
    if env.exists():
        found = re.search(r'STINT_KAFKA_BOOTSTRAP="([^"]+)"', env.read_text())
        if found:
            return found[1]
    return "127.0.0.1:9092"


def _topic(service: str) -> str:
    return os.environ.get("STINT_KAFKA_TOPIC_PREFIX", "") + dlq_topic(service)


def _group(service: str) -> str:
    return f"stint-dlq-redrive.{service}"


async def read(servers: str, service: str) -> tuple[list[DeadLetter], int]:
    """Every dead letter of `service`, and the offset before which they were re-driven."""
    # No group for reading: a group consumer positions itself from the group's committed
    # offset first, which waits for the group coordinator (slow on a fresh cluster).
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, enable_auto_commit=False)
    await consumer.start()
    try:
        # Metadata first: a fresh client that does not know the topic yet answers its end
        # offset as 0, which would read as "no dead letters".
        if _topic(service) not in await consumer.topics():
            return [], 0
        partition = TopicPartition(_topic(service), 0)
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        letters: list[DeadLetter] = []
        position, deadline = 0, asyncio.get_running_loop().time() + READ_SECONDS
        # To the end the broker reports with each fetch (its high watermark), not the end a
        # separate ListOffsets answered: a fresh client's first such answer can be stale.
        while asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(partition, timeout_ms=1000)
            for r in batch.get(partition, []):
                headers = {k: (v or b"").decode(errors="replace") for k, v in r.headers}
                letters.append(DeadLetter(r.offset, r.key, r.value, headers))
                position = r.offset + 1
            end = consumer.highwater(partition)
            if end is not None and position >= end:
                break
    finally:
        await consumer.stop()
    return letters, await _redriven(servers, service)


async def _redriven(servers: str, service: str) -> int:
    async with _group_consumer(servers, service) as (consumer, partition):
        return await consumer.committed(partition) or 0


@contextlib.asynccontextmanager
async def _group_consumer(
    servers: str, service: str
) -> AsyncIterator[tuple[AIOKafkaConsumer, TopicPartition]]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=servers, group_id=_group(service), enable_auto_commit=False
    )
    await consumer.start()
    try:
        partition = TopicPartition(_topic(service), 0)
        consumer.assign([partition])
        yield consumer, partition
    finally:
        await consumer.stop()


async def redrive(servers: str, service: str, offset: int | None) -> int:
    letters, redriven = await read(servers, service)
    print(f"{_topic(service)}: {len(letters)} dead letter(s), re-driven up to offset {redriven}")
    if offset is None:
        chosen = [d for d in letters if d.offset >= redriven]
    else:
        chosen = [d for d in letters if d.offset == offset]
    if offset is not None and not chosen:
        raise SystemExit(f"no dead letter at offset {offset} of {_topic(service)}")
    producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for letter in chosen:
            await producer.send_and_wait(
                letter.headers["dlq_topic"], letter.value, key=letter.key, headers=letter.original
            )
            print(f"re-drove offset {letter.offset} to {letter.headers['dlq_topic']}")
    finally:
        await producer.stop()
    if offset is None and chosen:
        await _commit(servers, service, chosen[-1].offset + 1)
    return len(chosen)


async def _commit(servers: str, service: str, next_offset: int) -> None:
    async with _group_consumer(servers, service) as (consumer, partition):
        await consumer.commit({partition: OffsetAndMetadata(next_offset, "")})


async def show(servers: str, services: Sequence[str]) -> int:
    total = 0
    for service in services:
        letters, redriven = await read(servers, service)
        total += len(letters)
        done = sum(d.offset < redriven for d in letters)
        print(f"{_topic(service)}: {len(letters)} dead letter(s), {done} re-driven")
        for d in letters:
            h = d.headers
            mark = "re-driven" if d.offset < redriven else "waiting"
            print(
                f"  @{d.offset} {mark:<9} {h.get('dlq_failed_at', '?')} "
                f"{h.get('dlq_reason', '?')} from {h.get('dlq_topic', '?')}"
                f"@{h.get('dlq_partition', '?')}:{h.get('dlq_offset', '?')} "
                f"{h.get('ce_type', '')} {h.get('ce_id', '')}\n      {h.get('dlq_error', '')[:300]}"
            )
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    verbs = parser.add_subparsers(dest="verb", required=True)
    listing = verbs.add_parser("list", help="every dead letter per service")
    listing.add_argument("service", nargs="?", choices=SERVICES)
    again = verbs.add_parser("redrive", help="send dead letters back to their topic")
    again.add_argument("service", choices=SERVICES)
    again.add_argument("--offset", type=int, help="only this one (default: all not re-driven)")
    args = parser.parse_args(argv)
    servers = bootstrap()
    if args.verb == "list":
        asyncio.run(show(servers, [args.service] if args.service else list(SERVICES)))
        return 0
    sent = asyncio.run(redrive(servers, args.service, args.offset))
    print(f"{sent} dead letter(s) re-driven")
    return 0


if __name__ == "__main__":
    sys.exit(main())
