"""The service's Kafka consumer: records of one key in order, different keys concurrently,
offsets committed only after the effect.

FastStream's subscriber handled one record at a time per service (its concurrent modes either
ack before the handler or only parallelise partitions, three here). This consumer, on aiokafka
directly, keeps the guarantees and lifts the bottleneck:

- a record's *lane* is its (topic-partition, key): a record starts only when the previous
  record of its lane is done; a record without a key waits for, and holds back, its whole
  partition. Lanes run concurrently on `concurrency` workers;
- per partition the committed offset is the *low watermark*: every record below it is done
  (handled, ignored or dead-lettered by `EventConsumer.dispatch`); a finished record behind an
  unfinished one is redelivered after a crash, which idempotent handlers absorb;
- `dispatch` raising (the record could not even be dead-lettered) blocks the lane and retries
  with backoff: a record is never skipped;
- fetching pauses while `max_buffered` records are fetched but not done (backpressure).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker
from pymongo.errors import ConnectionFailure

from stint.kit import metrics
from stint.kit.bus import DEFAULT_PARTITIONS, EventConsumer
from stint.kit.consumer_offsets import KAFKA_TIMEOUT, Listener, Offsets
from stint.kit.lanes import Partition
from stint.kit.mongo import DATABASE_OUTAGE
from stint.kit.topics_admin import ensure_topics, quiet_outages

log = logging.getLogger(__name__)

FETCH_WAIT_MS = 200
REDISPATCH_BACKOFF = (0.5, 10.0)  # first and longest pause before dispatching a record again


_ATTACHED: weakref.WeakKeyDictionary[KafkaBroker, list[KeyedConsumer]] = weakref.WeakKeyDictionary()


def attached(broker: KafkaBroker) -> list[KeyedConsumer]:
    """The consumers `Infrastructure.consume` made on this broker: the runner starts and stops
    them with it, as it did FastStream's subscribers, so composition roots stay unchanged."""
    return list(_ATTACHED.get(broker, ()))


class KeyedConsumer(Offsets):
    """One service's consumer group over its router's topics; see the module docstring."""

    def __init__(
        self,
        events: EventConsumer,
        topics: Sequence[str],
        *,
        bootstrap: str,
        partitions: Callable[[str], int] = lambda _: DEFAULT_PARTITIONS,
        replication_factor: int = 1,
        concurrency: int = 16,
        max_buffered: int = 0,
        commit_interval: float = 0.15,
        revoke_wait: float = 5.0,
    ) -> None:
        self.events, self.topics, self.concurrency = events, list(topics), concurrency
        self.max_buffered = max_buffered or 4 * concurrency
        self._bootstrap, self._partitions, self._rf = bootstrap, partitions, replication_factor
        self._commit_interval, self._revoke_wait = commit_interval, revoke_wait
        self._parts: dict[TopicPartition, Partition] = {}
        self._ready: asyncio.Queue[tuple[TopicPartition, Partition, Any]] = asyncio.Queue()
        self._fetcher: asyncio.Task[None] | None = None
        self._committer: asyncio.Task[None] | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._progress = asyncio.Event()  # a record finished: the committer has work
        self._settled = asyncio.Event()  # a dispatch ended: drain waiters look again
        self._wake = asyncio.Event()  # set (and replaced) to cut backoff pauses short
        self._commit_lock = asyncio.Lock()
        self._consumer: Any = None
        self.stopping = False
        self.in_flight = 0
        self._in_flight_gauge = metrics.CONSUMER_IN_FLIGHT.labels(events.service)
        self._buffered_gauge = metrics.CONSUMER_BUFFERED.labels(events.service)

    def attach(self, broker: KafkaBroker) -> KeyedConsumer:
        """Ride on `broker`: a `ServiceRunner` given it starts and stops this consumer."""
        _ATTACHED.setdefault(broker, []).append(self)
        return self

    @property
    def buffered(self) -> int:
        return sum(p.unfinished for p in self._parts.values())

    async def start(self) -> None:
        """Create missing topics, join the group, start fetching, working and committing."""
        quiet_outages()
        spec = {t: self._partitions(t) for t in [*self.topics, self.events.dlq]}
        await ensure_topics(self._bootstrap, spec, replication_factor=self._rf)
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            group_id=self.events.group_id,
            client_id=self.events.service,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        consumer.subscribe(self.topics, listener=Listener(self))
        try:
            await consumer.start()
        except BaseException:
            await consumer.stop()  # its connections, not to leak them
            raise
        self._consumer = consumer
        spawn = asyncio.get_running_loop().create_task
        self._fetcher = spawn(self._fetch(), name="consumer-fetch")
        self._committer = spawn(self._commit_loop(), name="consumer-commit")
        self._workers = [spawn(self._work(), name="consumer-work") for _ in range(self.concurrency)]

    async def stop(self, grace: float = 10.0) -> None:
        """Stop fetching, let running records finish (at most `grace` s; the rest stays
        uncommitted and comes again), commit, leave the group."""
        if self._fetcher is None or self._committer is None or self.stopping:
            return
        self.stopping = True
        self._fetcher.cancel()
        for part in self._parts.values():
            part.draining = True
        self._interrupt()
        await self._drain(list(self._parts.values()), grace)
        for task in self._workers:
            task.cancel()
        await asyncio.gather(self._fetcher, *self._workers, return_exceptions=True)
        await self.commit()
        self._committer.cancel()
        await asyncio.gather(self._committer, return_exceptions=True)
        try:
            await asyncio.wait_for(self._consumer.stop(), KAFKA_TIMEOUT)
        except (KafkaError, TimeoutError) as exc:
            log.warning("consumer did not leave its group cleanly", extra={"error": repr(exc)})
        self._set_gauges()

    # --- the tasks ---------------------------------------------------------------------

    async def _fetch(self) -> None:
        outages, failing = quiet_outages(), False
        while True:
            self._throttle()
            room = max(self.max_buffered - self.buffered, 1)
            try:
                batch = await self._consumer.getmany(timeout_ms=FETCH_WAIT_MS, max_records=room)
                if outages.down:  # an idle consumer has nothing to show for it: ask the broker
                    await asyncio.wait_for(self._consumer.topics(), KAFKA_TIMEOUT)
                    outages.recovered()
            except (KafkaError, TimeoutError) as exc:
                if not failing:  # once per run of failures
                    log.warning("fetching failed, retrying", extra={"error": repr(exc)})
                failing = True
                await asyncio.sleep(1.0)
                continue
            failing = False
            for tp, records in batch.items():
                if (part := self._parts.get(tp)) is None:
                    part = self._parts[tp] = Partition()
                for record in records:
                    for ready in part.add(record):
                        self._ready.put_nowait((tp, part, ready))
            self._set_gauges()

    def _throttle(self) -> None:
        """Pause every partition at `max_buffered` unfinished records, resume at half (each
        pause drops what aiokafka prefetched for the partition: no flapping)."""
        buffered, paused = self.buffered, self._consumer.paused()
        if buffered >= self.max_buffered:
            if unpaused := self._consumer.assignment() - paused:
                self._consumer.pause(*unpaused)
        elif paused and buffered <= self.max_buffered // 2:
            self._consumer.resume(*paused)

    async def _work(self) -> None:
        while True:
            tp, part, record = await self._ready.get()
            if part.draining or self._parts.get(tp) is not part:
                continue  # revoked or stopping: left for whoever consumes it next
            part.running += 1
            self.in_flight += 1
            self._in_flight_gauge.set(self.in_flight)
            try:
                done = await self._dispatch(part, record)
            finally:
                part.running -= 1
                self.in_flight -= 1
                self._in_flight_gauge.set(self.in_flight)
                self._settled.set()
            if done and self._parts.get(tp) is part:
                for ready in part.finish(record):
                    self._ready.put_nowait((tp, part, ready))
                self._progress.set()
                self._set_gauges()

    async def _dispatch(self, part: Partition, record: Any) -> bool:
        """`dispatch` until it returns; False if given up because the partition is going
        (the record is then not done, and comes again to whoever consumes it next)."""
        pause, longest = REDISPATCH_BACKOFF
        while True:
            try:
                await self.events.dispatch(record)
                DATABASE_OUTAGE.served()
                return True
            except ConnectionFailure as exc:  # one warning for the outage, not one per record
                metrics.CONSUMER_REDISPATCHES.labels(self.events.service).inc()
                DATABASE_OUTAGE.refusing(f"consumer {record.topic}", exc)
            except Exception:
                metrics.CONSUMER_REDISPATCHES.labels(self.events.service).inc()
                log.warning(
                    "record neither handled nor dead-lettered; its key waits and it is retried",
                    exc_info=True,
                    extra={"topic": record.topic, "partition": record.partition,
                           "offset": record.offset, "retry_in": pause},
                )  # fmt: skip
            wake = self._wake
            if not part.draining:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), pause)
            if part.draining:
                return False
            pause = min(pause * 2, longest)

    def _set_gauges(self) -> None:
        self._buffered_gauge.set(self.buffered)
