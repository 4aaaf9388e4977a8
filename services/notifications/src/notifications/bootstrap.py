"""The composition root of the notifications service."""

from __future__ import annotations

from datetime import timedelta

from notifications.adapters.catalogue import TYPE_NAMES
from notifications.adapters.http import WebhookClient
from notifications.adapters.inbox_repository import InboxRepository
from notifications.adapters.repository import EndpointRepository, MessageRepository
from notifications.adapters.smtp import SmtpMailer
from notifications.config import Settings
from notifications.domain.policy import RetryPolicy
from notifications.entrypoints.grpc import NotificationsServicer
from notifications.entrypoints.kafka import router
from notifications.entrypoints.timers import Dispatcher, timers
from notifications.handlers import Delivery, Inbox, Mail, Webhooks
from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import Component, OnStop, ServiceRunner
from stint.kit.timers import TimerWorker
from stint.notifications.v1.notifications_service_pb2_grpc import (
    add_NotificationsServiceServicer_to_server,
)


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    infra = await connect(settings, clock)
    events = infra.events(topics.NOTIFICATIONS)
    endpoints = EndpointRepository(infra.aggregate("webhook_endpoints"), events)
    # Messages, preferences and e-mails emit no events, but several writers (timers, RPCs,
    # consumers) change them: versioned writes.
    messages_c = infra.versioned("webhook_messages")
    messages = MessageRepository(messages_c, infra.db["webhook_attempts"])
    emails_c = infra.versioned("emails")
    inbox_repo = InboxRepository(
        infra.db["notifications"], infra.versioned("preferences"), emails_c
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
    delivery = Delivery(endpoints, messages, client.post, retry, infra.clock)
    overlap = timedelta(seconds=settings.webhook_secret_overlap_seconds)
    webhooks = Webhooks(delivery, TYPE_NAMES, overlap, settings.webhook_allow_loopback)
    infra.consume(router(settings, delivery, inbox))

    dispatcher = Dispatcher(delivery, settings.webhook_per_endpoint_concurrency)
    mail = Mail(
        inbox_repo, _mailer(settings).send, tuple(settings.email_schedule_seconds), infra.clock
    )
    webhook_due, email_due = timers(
        dispatcher, messages_c, mail, emails_c, attempt_timeout=settings.webhook_timeout_seconds
    )
    # E-mails have their own timer worker: a slow SMTP server never delays webhooks.
    webhook_timers, email_timers = infra.timers([webhook_due]), infra.timers([email_due])
    server = grpc_server_for(
        settings,
        [
            (
                add_NotificationsServiceServicer_to_server,
                NotificationsServicer(webhooks, inbox),
                "stint.notifications.v1.NotificationsService",
            )
        ],
    )
    parts: list[Component | TimerWorker] = [
        OnStop(lambda _: client.close()),  # last: attempts still running need it
        OnStop(dispatcher.drain),  # in-flight attempts finish within the grace
        webhook_timers,  # stops first: no new claims while the attempts finish
    ]
    if settings.smtp_host:
        parts.append(email_timers)
    else:
        await email_timers.ensure_indexes()
    return infra.runner(server, *parts)


def _mailer(settings: Settings) -> SmtpMailer:
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.email_sender,
        username=settings.smtp_username,
        password=settings.smtp_password,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )
