"""The keyed consumer's offsets (`stint.kit.consumer`): what is committed, when, and what
happens when the group moves partitions.

Each partition's committed offset is its low watermark (every record below it is done),
committed soon after progress, at most every `commit_interval`, backing off on failure.
Revoked partitions start nothing more, let running records finish (bounded: below the group's
rebalance timeout), commit and are forgotten; assigned ones start from the group's committed
offsets. Draining on stop uses the same wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka import TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import KafkaError

from stint.kit import metrics
from stint.kit.bus import EventConsumer
from stint.kit.lanes import Partition
from stint.kit.topics_admin import quiet_outages

KAFKA_TIMEOUT = 10.0  # for a commit, a metadata probe, leaving the group

log = logging.getLogger("stint.kit.consumer")


class Offsets:
    """The offsets half of `KeyedConsumer` (which sets these attributes)."""

    events: EventConsumer
    _parts: dict[TopicPartition, Partition]
    _revoke_wait: float
    _commit_interval: float
    _commit_lock: asyncio.Lock
    _progress: asyncio.Event
    _settled: asyncio.Event
    _wake: asyncio.Event
    _consumer: Any

    def _set_gauges(self) -> None:
        raise NotImplementedError

    async def commit(self, only: Sequence[TopicPartition] | None = None) -> bool:
        """Commit each partition's low watermark where it moved; False if that failed (the
        committer tries again: nothing is lost, the offsets just stay where they were)."""
        async with self._commit_lock:
            chosen = self._parts.keys() if only is None else only
            offsets = {
                tp: mark
                for tp in chosen
                if tp in self._parts and (mark := self._parts[tp].commitable()) is not None
            }
            if not offsets:
                return True
            try:
                await asyncio.wait_for(self._consumer.commit(offsets), KAFKA_TIMEOUT)
            except (KafkaError, TimeoutError) as exc:
                metrics.CONSUMER_COMMIT_FAILURES.labels(self.events.service).inc()
                log.warning("offset commit failed, will retry", extra={"error": repr(exc)})
                return False
            quiet_outages().recovered()
            assigned = self._consumer.assignment()
            for tp, mark in offsets.items():
                self._parts[tp].committed = mark
                end = self._consumer.highwater(tp) if tp in assigned else None
                if end is not None:
                    self._lag(tp).set(max(end - mark, 0))
            return True

    async def _commit_loop(self) -> None:
        """Commit soon after progress, at most every `commit_interval`; back off on failure."""
        failures = 0
        while True:
            await self._progress.wait()
            self._progress.clear()
            failures = 0 if await self.commit() else failures + 1
            if failures:
                self._progress.set()
            await asyncio.sleep(min(self._commit_interval * 2**failures, 5.0))

    def _lag(self, tp: TopicPartition) -> Any:
        return metrics.CONSUMER_COMMIT_LAG.labels(self.events.service, tp.topic, tp.partition)

    async def revoke(self, tps: set[TopicPartition]) -> None:
        """Partitions are going: start nothing more there, let running records finish (at
        most `revoke_wait` s, below the group's rebalance timeout), commit, forget them."""
        mine = [tp for tp in tps if tp in self._parts]
        for tp in mine:
            self._parts[tp].draining = True
        self._interrupt()
        await self._drain([self._parts[tp] for tp in mine], self._revoke_wait)
        await self.commit(mine)
        for tp in mine:
            del self._parts[tp]
            with contextlib.suppress(KeyError):
                metrics.CONSUMER_COMMIT_LAG.remove(self.events.service, tp.topic, tp.partition)
        self._set_gauges()

    def assign(self, tps: set[TopicPartition]) -> None:
        """New partitions start from the group's committed offsets: no state carried over."""
        for tp in tps:
            self._parts.pop(tp, None)

    async def _drain(self, parts: list[Partition], timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while any(p.running for p in parts) and loop.time() < deadline:
            self._settled.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait(), deadline - loop.time())
        if late := sum(p.running for p in parts):
            log.warning("records still running at the deadline stay uncommitted",
                        extra={"records": late, "waited_seconds": timeout})  # fmt: skip

    def _interrupt(self) -> None:
        self._wake.set()
        self._wake = asyncio.Event()


class Listener(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    """aiokafka awaits these during a rebalance, before the group moves on."""

    def __init__(self, consumer: Offsets) -> None:
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._consumer.revoke(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._consumer.assign(set(assigned))
