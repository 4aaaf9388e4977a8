"""Event handlers: every posting event into the projection, and our own CandidateHired."""

from __future__ import annotations

from typing import Any

from applications.adapters import wire
from applications.entrypoints import kafka_conversations
from applications.handlers import Handlers
from stint.applications.v1.events_pb2 import CandidateHired
from stint.contracts import topics
from stint.kit.bus import EventRouter, Handler
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.kit.wire import cause_from, optional_time
from stint.postings.v1 import events_pb2 as posting_events

# Every posting event carries the full snapshot, so they are all handled alike.
POSTING_EVENTS = (
    posting_events.PostingCreated,
    posting_events.PostingUpdated,
    posting_events.PostingPublished,
    # Waiting for the platform's review (not open; a student applying is told "not found"
    # at once, not "retry"), and back to draft when declined.
    posting_events.PostingSubmittedForReview,
    posting_events.PostingReviewDeclined,
    posting_events.PostingApprovedForUniversity,
    posting_events.PostingDeclinedForUniversity,
    posting_events.PostingClosed,
    posting_events.PostingCancelled,
    posting_events.PostingExpired,
    posting_events.PostingFilled,
    posting_events.PostingCompleted,
    # An admin took it down: closed for applying, every waiting application answered.
    posting_events.PostingTakenDown,
    # The decision deadline of a closed posting passed: every waiting application answered.
    posting_events.PostingDecisionDeadlinePassed,
)


class MalformedSnapshot(ValueError):
    """A posting event without a usable posting: a producer bug, sent to the DLQ."""


def router(settings: KitSettings, handlers: Handlers) -> EventRouter:
    """The events this service consumes: every posting event, and its own CandidateHired."""
    events = EventRouter()
    postings = settings.topic(topics.POSTINGS)
    for event_type in POSTING_EVENTS:
        events.handler(postings, event_type)(_on_posting_event(handlers))
    applications = settings.topic(topics.APPLICATIONS)
    events.handler(applications, CandidateHired)(_on_candidate_hired(handlers))
    kafka_conversations.register(events, settings, handlers)
    return events


def _on_posting_event(handlers: Handlers) -> Handler:
    async def handle(event: Any, envelope: Envelope) -> None:
        """Consumes any posting event: projection update, then closure of waiting applications
        (ApplicationRejected each) when the posting no longer takes candidates."""
        posting = event.posting
        if not posting.id or posting.version <= 0:
            raise MalformedSnapshot(f"{envelope.type} {envelope.id} carries no versioned posting")
        cause = cause_from(event.context, envelope.id)
        over = isinstance(event, posting_events.PostingDecisionDeadlinePassed)
        await handlers.postings.on_posting(wire.posting_view(posting, over), cause)

    return handle


def _on_candidate_hired(handlers: Handlers) -> Handler:
    async def handle(event: CandidateHired, envelope: Envelope) -> None:
        """Consumes our own CandidateHired: the repair path that marks the application HIRED
        when the hiring request stopped after committing the hire; then the application's
        conversation carries the engagement's id. Emits nothing."""
        hired_at = optional_time(event, "hired_at") or envelope.time
        app = await handlers.hiring.on_candidate_hired(event.application.id, hired_at)
        await handlers.conversations.follow(app)

    return handle
