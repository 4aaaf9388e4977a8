"""The events that keep conversations in step: our own application events (the thread exists
from the application on and follows it) and submissions' disputes (admins join the thread)."""

from __future__ import annotations

from typing import Any

from applications.domain.conversation import DisputeState
from applications.handlers import Handlers
from stint.applications.v1 import events_pb2 as app_events
from stint.contracts import topics
from stint.kit.bus import EventRouter, Handler
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.submissions.v1 import events_pb2 as submission_events

# CandidateHired is handled in kafka.py (the hire's repair path first, then the thread).
# ApplicationShortlisted changes nothing of a thread that its ApplicationSubmitted (same key,
# so consumed before it) created: it is not consumed here.
APPLICATION_EVENTS = (
    app_events.ApplicationSubmitted,
    app_events.ApplicationRejected,
    app_events.ApplicationWithdrawn,
)
DISPUTE_EVENTS = (
    (submission_events.DisputeOpened, DisputeState.OPEN),
    (submission_events.DisputeResolved, DisputeState.RESOLVED),
)


def register(events: EventRouter, settings: KitSettings, handlers: Handlers) -> None:
    applications = settings.topic(topics.APPLICATIONS)
    for event_type in APPLICATION_EVENTS:
        events.handler(applications, event_type)(_on_application_event(handlers))
    submissions = settings.topic(topics.SUBMISSIONS)
    for dispute_type, state in DISPUTE_EVENTS:
        events.handler(submissions, dispute_type)(_on_dispute_event(handlers, state))


def _on_application_event(handlers: Handlers) -> Handler:
    async def handle(event: Any, envelope: Envelope) -> None:
        """Consumes our own application events: the application's thread follows it."""
        await handlers.conversations.on_application(event.application.id, event.posting_title)

    return handle


def _on_dispute_event(handlers: Handlers, state: DisputeState) -> Handler:
    async def handle(event: Any, envelope: Envelope) -> None:
        """Consumes DisputeOpened / DisputeResolved: admins may write while it is open."""
        await handlers.conversations.on_dispute(event.dispute.engagement_id, state)

    return handle
