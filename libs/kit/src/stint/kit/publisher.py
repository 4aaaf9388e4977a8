"""Publishing: the broker's idempotent producer, and envelopes published through it (CloudEvents
binary mode: `stint.kit.envelope`)."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaBroker

from stint.kit import tracing
from stint.kit.envelope import Envelope


def create_broker(bootstrap: str, *, client_id: str) -> KafkaBroker:
    """A broker whose producer is idempotent with acks=all: no loss, no broker-side duplicates."""
    return KafkaBroker(
        bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=15_000,
        graceful_timeout=15.0,
        logger=logging.getLogger(f"stint.kafka.{client_id}"),
        middlewares=tracing.kafka_middlewares(),
    )


class KafkaEventPublisher:
    """Publishes envelopes (CloudEvents binary mode) through the broker's producer."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def publish(self, envelope: Envelope) -> None:
        await self._broker.publish(
            envelope.data,
            topic=envelope.topic,
            key=envelope.key.encode(),
            headers=envelope.headers(),
            correlation_id=envelope.id,
            timestamp_ms=int(envelope.time.timestamp() * 1000),
        )
