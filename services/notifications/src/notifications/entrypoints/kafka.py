"""Kafka entrypoint: every domain event of every topic may become webhook messages."""

from __future__ import annotations

from typing import Any

from notifications.adapters.catalogue import CATALOGUE, EventKind, event_data, payload, tenants_of
from notifications.delivery import Delivery
from stint.kit.bus import EventRouter, Handler
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings


def register(router: EventRouter, settings: KitSettings, delivery: Delivery) -> None:
    """Route each catalogued event type (on its prefixed topic) to the fan-out."""
    for kind in CATALOGUE:
        router.handler(settings.topic(kind.topic), kind.message_type)(on_event(kind, delivery))


def on_event(kind: EventKind, delivery: Delivery) -> Handler:
    async def handle(message: Any, envelope: Envelope) -> None:
        """Consumes any catalogued domain event; queues a webhook message (JSON body of the
        proto's canonical mapping) for each subscribed endpoint of a tenant it concerns.
        Emits nothing. Idempotent through deterministic message ids."""
        body = payload(kind.name, envelope.time, event_data(message))
        await delivery.fan_out(kind.name, envelope.id, envelope.time, body, tenants_of(message))

    return handle
