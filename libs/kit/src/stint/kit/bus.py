"""The event bus: publishing envelopes (FastStream's producer) and dispatching consumed records.

Consuming: one Kafka consumer group per service (`stint.kit.consumer.KeyedConsumer`) over the
topics the service's `EventRouter` names. Each record is routed by its ``ce_type`` header to the
handler registered for that Protobuf message type; unknown types are ignored (new producers
must not break old consumers). A failing handler is retried with exponential backoff, a bounded
number of times; then, like an undecodable record, it goes to the service's dead-letter topic
with the error in headers and the partition moves on. An unreachable database is not the
record's fault: `dispatch` raises, and the consumer retries the record until it is back. The
consumer commits a record's offset only after `EventConsumer.dispatch` returned: the handler's
effect is durable or the record is safely in the DLQ.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from aiokafka import ConsumerRecord
from faststream.kafka import KafkaBroker
from google.protobuf.message import DecodeError, Message
from pymongo.errors import ConnectionFailure

from stint.contracts.topics import dlq_topic
from stint.kit import metrics, tracing
from stint.kit.envelope import Envelope, MalformedEnvelope
from stint.kit.logctx import ce_id_var
from stint.kit.publisher import KafkaEventPublisher as KafkaEventPublisher
from stint.kit.publisher import create_broker as create_broker

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)
Handler = Callable[[Any, Envelope], Awaitable[None]]
MAX_ERROR_HEADER = 1000
DEFAULT_PARTITIONS = 3


@dataclass(frozen=True)
class Route:
    message_type: type[Message]
    handler: Handler


class EventRouter:
    """Which handler takes which event: one per (topic, Protobuf message type)."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Route] = {}

    def handler(self, topic: str, message_type: type[M]) -> Callable[[Handler], Handler]:
        """Decorator: ``@router.handler(topics.APPLICATIONS, CandidateHired)``."""

        def register(fn: Handler) -> Handler:
            key = (topic, message_type.DESCRIPTOR.full_name)
            if key in self._routes:
                raise ValueError(f"two handlers for {key}")
            self._routes[key] = Route(message_type, fn)
            return fn

        return register

    @property
    def topics(self) -> list[str]:
        return sorted({topic for topic, _ in self._routes})

    def route(self, topic: str, ce_type: str) -> Route | None:
        return self._routes.get((topic, ce_type))


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    backoff_seconds: float = 0.2
    backoff_max_seconds: float = 5.0

    def delay(self, attempt: int) -> float:
        """Backoff before attempt `attempt + 1` (attempts count from 1)."""
        return float(min(self.backoff_seconds * 2 ** (attempt - 1), self.backoff_max_seconds))


DeadLetterSink = Callable[[str, bytes | None, bytes | None, dict[str, str]], Awaitable[None]]


class EventConsumer:
    """Dispatches consumed records to the router's handlers; see the module docstring."""

    def __init__(
        self,
        service: str,
        router: EventRouter,
        dead_letter: DeadLetterSink,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        *,
        dlq: str = "",
        group_id: str = "",
    ) -> None:
        self.service = service
        self.dlq = dlq or dlq_topic(service)
        self.group_id = group_id or service
        self._router = router
        self._dead_letter = dead_letter
        self._retry = retry
        self._sleep = sleep

    async def dispatch(self, record: ConsumerRecord[bytes, bytes]) -> str:
        """Handle one record; returns the outcome: applied, ignored or dead_lettered.

        Raises only when the record could neither be handled nor dead-lettered, so that the
        offset is not committed and the record comes again.
        """
        try:
            envelope = Envelope.from_record(record.topic, record.key, record.value, record.headers)
        except MalformedEnvelope as exc:
            return await self._to_dlq(record, "malformed_envelope", str(exc), 0, "unknown")
        token = ce_id_var.set(envelope.id)
        try:
            with tracing.consuming(
                topic=record.topic,
                ce_type=envelope.type,
                ce_id=envelope.id,
                traceparent=envelope.traceparent,
                partition=record.partition,
                offset=record.offset,
                group=self.group_id,
            ) as span:
                outcome = await self._dispatch(record, envelope)
                if span is not None:
                    span.set_attribute("stint.outcome", outcome)
                if outcome == "dead_lettered":
                    tracing.failed(span, "dead-lettered")
                return outcome
        finally:
            ce_id_var.reset(token)

    async def _dispatch(self, record: ConsumerRecord[bytes, bytes], envelope: Envelope) -> str:
        route = self._router.route(record.topic, envelope.type)
        if route is None:
            # One label value for all of them: ce_type comes off the wire, unbounded.
            self._count(record.topic, "unrouted", "ignored")
            log.debug("event type not handled here", extra={"ce_type": envelope.type})
            return "ignored"
        try:
            event = route.message_type.FromString(envelope.data)
        except DecodeError as exc:
            return await self._to_dlq(record, "undecodable", str(exc), 0, envelope.type)
        started = time.perf_counter()
        for attempt in range(1, self._retry.max_attempts + 1):
            try:
                await route.handler(event, envelope)
            except ConnectionFailure:
                # The database is down, not the event wrong: no attempt is used up and nothing
                # is dead-lettered; the consumer retries the record (its key waits) until the
                # database answers again, however long the outage.
                raise
            except Exception as exc:
                metrics.EVENT_HANDLER_FAILURES.labels(
                    self.service, record.topic, envelope.type
                ).inc()
                log.warning(
                    "event handler failed",
                    exc_info=True,
                    extra={"ce_type": envelope.type, "attempt": attempt},
                )
                if attempt == self._retry.max_attempts:
                    error = f"{type(exc).__name__}: {exc}"
                    return await self._to_dlq(
                        record, "handler_failed", error, attempt, envelope.type
                    )
                await self._sleep(self._retry.delay(attempt))
            else:
                elapsed = time.perf_counter() - started
                labels = (self.service, record.topic, envelope.type)
                metrics.EVENT_HANDLING_SECONDS.labels(*labels).observe(elapsed)
                self._count(record.topic, envelope.type, "applied")
                return "applied"
        raise AssertionError("unreachable: the loop returns on success or on the last attempt")

    async def _to_dlq(
        self,
        record: ConsumerRecord[bytes, bytes],
        reason: str,
        error: str,
        attempts: int,
        ce_type: str,
    ) -> str:
        # Header values are nullable in Kafka (aiokafka yields None, despite its type hints).
        headers = {name: (value or b"").decode(errors="replace") for name, value in record.headers}
        headers |= {
            "dlq_reason": reason,
            "dlq_error": error[:MAX_ERROR_HEADER],
            "dlq_service": self.service,
            "dlq_topic": record.topic,
            "dlq_partition": str(record.partition),
            "dlq_offset": str(record.offset),
            "dlq_attempts": str(attempts),
            "dlq_failed_at": datetime.now(UTC).isoformat(),
        }
        await self._dead_letter(self.dlq, record.key, record.value, headers)
        log.error("record dead-lettered", extra={"reason": reason, "error": error[:200]})
        metrics.DLQ_MESSAGES.labels(self.service, record.topic, reason).inc()
        self._count(record.topic, ce_type, "dead_lettered")
        return "dead_lettered"

    def _count(self, topic: str, ce_type: str, outcome: str) -> None:
        metrics.EVENTS_CONSUMED.labels(self.service, topic, ce_type, outcome).inc()


def dead_letter_sink(broker: KafkaBroker) -> DeadLetterSink:
    """Publish dead letters with the original key and value through the broker's producer."""

    async def send(
        topic: str, key: bytes | None, value: bytes | None, headers: dict[str, str]
    ) -> None:
        await broker.publish(value or b"", topic=topic, key=key, headers=headers)

    return send
