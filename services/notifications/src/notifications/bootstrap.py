"""The composition root of the notifications service."""

from __future__ import annotations

from datetime import timedelta

from notifications.adapters.catalogue import TYPE_NAMES
from notifications.adapters.http import WebhookClient
from notifications.adapters.inbox_repository import InboxRepository, email_from_doc
from notifications.adapters.repository import EndpointRepository, MessageRepository
from notifications.adapters.smtp import SmtpMailer
from notifications.config import Settings
from notifications.delivery import Delivery
from notifications.domain.policy import RetryPolicy
from notifications.entrypoints import kafka
from notifications.entrypoints.grpc import Servicer
from notifications.entrypoints.timers import Dispatcher
from notifications.handlers import Handlers
from notifications.inbox import Inbox
from notifications.mail import Mail
from stint.contracts import topics
from stint.kit.bootstrap import Infrastructure, connect
from stint.kit.bus import EventRouter
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.mongo import Document
from stint.kit.outbox import OutboxCollection
from stint.kit.runner import Component, OnStop, ServiceRunner
from stint.kit.timers import DueTimer, TimerWorker
from stint.notifications.v1.notifications_service_pb2_grpc import (
    add_NotificationsServiceServicer_to_server,
)


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    infra = await connect(settings, clock)
    endpoints = EndpointRepository(infra.aggregate("webhook_endpoints"))
    # Messages emit no events, but several writers (timer, RPCs) change them: versioned writes.
    messages_c = OutboxCollection(infra.db["webhook_messages"], infra.clock, guard=infra.guard)
    messages = MessageRepository(messages_c, infra.db["webhook_attempts"])
    inbox_repo = InboxRepository(
        infra.db["notifications"],
        OutboxCollection(infra.db["preferences"], infra.clock, guard=infra.guard),
        OutboxCollection(infra.db["emails"], infra.clock, guard=infra.guard),
    )
    await endpoints.ensure_indexes()
    await messages.ensure_indexes()
    await inbox_repo.ensure_indexes()
    inbox = Inbox(inbox_repo, infra.clock, settings.inbox_url, email=bool(settings.smtp_host))

    client = WebhookClient(
        timeout=settings.webhook_timeout_seconds,
        max_response_bytes=settings.webhook_max_response_bytes,
        allow_loopback=settings.webhook_allow_loopback,
    )
    retry = RetryPolicy(
        tuple(settings.webhook_schedule_seconds),
        settings.webhook_jitter,
        settings.webhook_max_retry_after_seconds,
        timedelta(seconds=settings.webhook_disable_after_seconds),
    )
    events = infra.events(topics.NOTIFICATIONS)
    delivery = Delivery(endpoints, messages, client.post, retry, events, infra.clock)
    overlap = timedelta(seconds=settings.webhook_secret_overlap_seconds)
    handlers = Handlers(delivery, TYPE_NAMES, overlap, settings.webhook_allow_loopback)

    router = EventRouter()
    kafka.register(router, settings, delivery, inbox)
    infra.consume(router)

    dispatcher = Dispatcher(delivery, settings.webhook_per_endpoint_concurrency)
    # The lease outlasts one attempt (its timeout) so that a running attempt is not re-claimed.
    lease = timedelta(seconds=settings.webhook_timeout_seconds * 2 + 30)
    due = DueTimer("webhook-delivery", messages_c, "next_attempt_at", dispatcher.on_due, lease)
    timers = infra.timers([due])
    server = grpc_server_for(
        settings,
        [
            (
                add_NotificationsServiceServicer_to_server,
                Servicer(handlers, inbox),
                "stint.notifications.v1.NotificationsService",
            )
        ],
    )
    email_timers = email_worker(settings, infra, inbox_repo)
    parts: list[Component | TimerWorker] = [
        OnStop(lambda _: client.close()),  # last: attempts still running need it
        OnStop(dispatcher.drain),  # in-flight attempts finish within the grace
        timers,  # stops first: no new claims while the attempts finish
    ]
    if settings.smtp_host:
        parts.append(email_timers)
    else:
        await email_timers.ensure_indexes()
    return infra.runner(server, *parts)


def email_worker(settings: Settings, infra: Infrastructure, repo: InboxRepository) -> TimerWorker:
    """E-mails have their own timer worker: a slow SMTP server never delays webhooks."""
    mailer = SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.email_sender,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )
    mail = Mail(repo, mailer.send, tuple(settings.email_schedule_seconds), infra.clock)

    async def on_due(doc: Document) -> None:
        await mail.attempt(email_from_doc(doc))

    due = DueTimer("email-delivery", repo.email_aggregates, "next_attempt_at", on_due)
    return infra.timers([due])
