"""The infrastructure half of a service's composition root.

A service's own `bootstrap.py` calls `connect()` for the connections every service needs, takes
its collections from it (`aggregate` publishes events, `versioned` does not; both carry the
write guard the server needs), builds its repositories, handlers and servicers on top, and
returns `infra.runner(grpc_server, *components)`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from faststream.kafka import KafkaBroker

from stint.contracts.topics import all_topics, dlq_topic
from stint.kit import tracing
from stint.kit.bus import (
    DEFAULT_PARTITIONS,
    EventConsumer,
    EventRouter,
    RetryPolicy,
    dead_letter_sink,
)
from stint.kit.clock import Clock, SystemClock
from stint.kit.consumer import KeyedConsumer
from stint.kit.docguard import DocumentGuard, guard_for
from stint.kit.envelope import EventFactory
from stint.kit.mongo import Database, MongoClient, create_mongo_client
from stint.kit.ops_http import ReadinessCheck
from stint.kit.outbox import OutboxCollection
from stint.kit.publisher import KafkaEventPublisher, create_broker
from stint.kit.relay import OutboxRelay
from stint.kit.runner import Background, Component, Server, ServiceRunner, Worker
from stint.kit.settings import KitSettings
from stint.kit.timers import DueTimer, TimerWorker


@dataclass
class Infrastructure:
    """Connections and shared machinery of one service process."""

    settings: KitSettings
    clock: Clock
    mongo: MongoClient
    db: Database
    guard: DocumentGuard
    broker: KafkaBroker
    relay: OutboxRelay

    def aggregate(self, name: str) -> OutboxCollection:
        """A collection of versioned aggregates whose events the relay publishes."""
        collection = self.db[name]
        if all(c.name != name for c in self.relay.collections):
            self.relay.collections.append(collection)
        return OutboxCollection(collection, self.clock, on_commit=self.relay.wake, guard=self.guard)

    def versioned(self, name: str) -> OutboxCollection:
        """A collection of versioned documents that publish nothing (several writers change
        them: version-guarded writes, the write guard, due-time markers for timers)."""
        return OutboxCollection(self.db[name], self.clock, guard=self.guard)

    def runner(
        self,
        grpc_server: Server | None,
        *components: Component | Worker,
        extra_checks: Mapping[str, ReadinessCheck] | None = None,
    ) -> ServiceRunner:
        """The service's runner: these connections, the relay (first to start, last to stop),
        then `components` in order (a `Worker` such as a timer worker runs as a task)."""
        parts: list[Component] = [Background(self.relay, "outbox-relay")]
        for i, part in enumerate(components):
            is_worker = hasattr(part, "run") and not hasattr(part, "start")
            parts.append(Background(part, f"worker-{i}") if is_worker else part)  # type: ignore[arg-type]
        return ServiceRunner(
            self.settings,
            mongo=self.mongo,
            broker=self.broker,
            grpc_server=grpc_server,
            components=parts,
            extra_checks=extra_checks,
        )

    def timers(self, timers: Sequence[DueTimer]) -> TimerWorker:
        """A worker for `timers`, configured from the settings (poll, sweep, concurrency, guard).

        Build it before the first write: the timers' collections tell it of new due times."""
        s = self.settings
        return TimerWorker(
            s.service_name,
            timers,
            self.clock,
            poll_seconds=s.timer_poll_seconds,
            sweep_seconds=s.timer_sweep_seconds,
            concurrency=s.timer_concurrency,
            guard=self.guard,
        )

    def events(self, topic: str) -> EventFactory:
        """Envelopes for `topic` (a name from `stint.contracts.topics`; prefix applied)."""
        source = f"/stint/{self.settings.service_name}"
        return EventFactory(source=source, topic=self.settings.topic(topic), clock=self.clock)

    def consume(self, router: EventRouter) -> EventConsumer:
        """Consume the router's topics in the service's group (DLQ per service); the
        `ServiceRunner` given this broker starts the consumer after the broker connects."""
        s = self.settings
        consumer = EventConsumer(
            s.service_name,
            router,
            dead_letter_sink(self.broker),
            RetryPolicy(
                s.consumer_max_attempts, s.consumer_backoff_seconds, s.consumer_backoff_max_seconds
            ),
            dlq=s.topic(dlq_topic(s.service_name)),
            group_id=s.consumer_group,
        )
        if router.topics:
            KeyedConsumer(
                consumer,
                router.topics,
                bootstrap=s.kafka_bootstrap,
                partitions=self._partitions,
                replication_factor=s.kafka_replication_factor,
                concurrency=s.consumer_concurrency,
                max_buffered=s.consumer_max_buffered,
                commit_interval=s.consumer_commit_interval_seconds,
            ).attach(self.broker)
        return consumer

    def _partitions(self, physical: str) -> int:
        """Partition count from the one topic spec (`stint.contracts.topics`)."""
        name = physical.removeprefix(self.settings.kafka_topic_prefix)
        spec = {t.name: t.partitions for t in all_topics()}
        return spec.get(name, DEFAULT_PARTITIONS)


async def connect(settings: KitSettings, clock: Clock | None = None) -> Infrastructure:
    """Create the MongoDB client (and pick the write guard the server needs), the Kafka
    broker and the outbox relay. Nothing is started here; `ServiceRunner` starts things."""
    clock = clock or SystemClock()
    # Before any client exists: the instrumentations attach to clients created afterwards.
    tracing.configure(settings.service_name, settings.trace_exporter, settings.trace_dir)
    mongo = create_mongo_client(settings.mongo_uri, app_name=settings.service_name)
    db = mongo[settings.database_name]
    # Wall-clock leases, whatever clock the service runs on.
    guard = await guard_for(db, mode=settings.write_guard)
    broker = create_broker(settings.kafka_bootstrap, client_id=settings.service_name)
    relay = OutboxRelay(
        settings.service_name,
        [],
        KafkaEventPublisher(broker),
        clock,
        sweep_seconds=settings.relay_sweep_seconds,
        lease_seconds=settings.relay_lease_seconds,
        concurrency=settings.relay_concurrency,
        guard=guard,
    )
    return Infrastructure(settings, clock, mongo, db, guard, broker, relay)
