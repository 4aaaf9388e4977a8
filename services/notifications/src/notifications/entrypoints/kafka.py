"""Kafka entrypoint: every domain event of every topic may become webhook messages and
inbox notifications; personal events (`catalogue.INBOX_ONLY`) inbox notifications only."""

from __future__ import annotations

from typing import Any

from notifications.adapters.catalogue import (
    CATALOGUE,
    INBOX_ONLY,
    EventKind,
    event_data,
    tenants_of,
)
from notifications.adapters.wire import inbox_event
from notifications.domain.payload import payload
from notifications.handlers import Delivery, Inbox
from stint.kit.bus import EventRouter, Handler
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings


def router(settings: KitSettings, delivery: Delivery, inbox: Inbox) -> EventRouter:
    """Each catalogued event type (on its prefixed topic) routed to the fan-outs."""
    events = EventRouter()
    for kind in CATALOGUE:
        events.handler(settings.topic(kind.topic), kind.message_type)(
            _on_event(kind, delivery, inbox)
        )
    for kind in INBOX_ONLY:
        events.handler(settings.topic(kind.topic), kind.message_type)(_on_personal(kind, inbox))
    return events


def _on_personal(kind: EventKind, inbox: Inbox) -> Handler:
    async def handle(message: Any, envelope: Envelope) -> None:
        """Consumes a personal event (a student's saved-search alert): inbox notifications
        (and e-mail by preference) for the person only, never a webhook. Emits nothing.
        Idempotent through deterministic notification ids."""
        await inbox.on_event(inbox_event(kind.name, message, envelope))

    return handle


def _on_event(kind: EventKind, delivery: Delivery, inbox: Inbox) -> Handler:
    async def handle(message: Any, envelope: Envelope) -> None:
        """Consumes any catalogued domain event; queues a webhook message (JSON body of the
        proto's canonical mapping) for each subscribed endpoint of a tenant it concerns, and
        adds inbox notifications for the people it concerns. Emits nothing. Idempotent
        through deterministic message and notification ids."""
        body = payload(kind.name, envelope.time, event_data(message))
        await delivery.fan_out(kind.name, envelope.id, envelope.time, body, tenants_of(message))
        await inbox.on_event(inbox_event(kind.name, message, envelope))

    return handle
