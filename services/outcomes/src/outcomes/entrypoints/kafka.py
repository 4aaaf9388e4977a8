"""Event handlers: the other contexts' events into the read model's facts (emits nothing)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from outcomes.adapters import wire
from outcomes.domain.changes import EngagementChange
from outcomes.handlers import Handlers
from stint.applications.v1 import events_pb2 as application_events
from stint.contracts import topics
from stint.kit.bus import EventRouter, Handler
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.payouts.v1 import events_pb2 as payout_events
from stint.postings.v1 import events_pb2 as posting_events
from stint.submissions.v1 import events_pb2 as submission_events

# A change of an engagement's fact made from one event (None: nothing for the read model).
ToChange = Callable[[Any, datetime], EngagementChange | None]

ENGAGEMENT_EVENTS: tuple[tuple[str, Any, ToChange], ...] = (
    (topics.APPLICATIONS, application_events.CandidateHired, wire.hired),
    (topics.SUBMISSIONS, submission_events.EngagementCompleted, wire.completed),
    (topics.SUBMISSIONS, submission_events.EngagementCancelled, wire.cancelled),
    (topics.SUBMISSIONS, submission_events.FeedbackRevealed, wire.rated),
    (topics.PAYOUTS, payout_events.PayoutPaid, wire.paid),
    (topics.PAYOUTS, payout_events.FundingReleased, wire.sponsor_released),
    (topics.SUBMISSIONS, submission_events.OfferMade, wire.offer_made),
    (topics.SUBMISSIONS, submission_events.OfferAccepted, wire.offer_accepted),
)


class MalformedEvent(ValueError):
    """An event without the ids the read model keys its facts on: sent to the DLQ."""


def router(settings: KitSettings, handlers: Handlers) -> EventRouter:
    """The events this service consumes, from postings, applications, submissions, payouts."""
    events = EventRouter()
    postings = settings.topic(topics.POSTINGS)
    events.handler(postings, posting_events.PostingPublished)(_on_posting(handlers))
    events.handler(postings, posting_events.PostingUpdated)(_on_posting(handlers))
    decided = _on_university_decision(handlers)
    events.handler(postings, posting_events.PostingApprovedForUniversity)(decided)
    events.handler(postings, posting_events.PostingDeclinedForUniversity)(decided)
    applications = settings.topic(topics.APPLICATIONS)
    events.handler(applications, application_events.ApplicationSubmitted)(_on_applied(handlers))
    for topic, kind, to_change in ENGAGEMENT_EVENTS:
        events.handler(settings.topic(topic), kind)(_on_engagement(handlers, to_change))
    return events


def _on_posting(handlers: Handlers) -> Handler:
    async def handle(event: Any, envelope: Envelope) -> None:
        """Consumes PostingPublished / PostingUpdated: the posting's company and category."""
        if not event.posting.id:
            raise MalformedEvent(f"{envelope.type} {envelope.id} carries no posting")
        await handlers.facts.on_posting(wire.posting_info(event.posting), envelope.id)

    return handle


def _on_university_decision(handlers: Handlers) -> Handler:
    async def handle(event: Any, envelope: Envelope) -> None:
        """Consumes PostingApprovedForUniversity / DeclinedForUniversity: the approval fact."""
        if not event.posting.id or not event.university_id:
            raise MalformedEvent(f"{envelope.type} {envelope.id} carries no posting or university")
        decision = wire.decision(event.posting, event.university_id, envelope.time)
        info = wire.posting_info(event.posting)
        await handlers.facts.on_university_decision(info, decision, envelope.id)

    return handle


def _on_applied(handlers: Handlers) -> Handler:
    async def handle(event: Any, envelope: Envelope) -> None:
        """Consumes ApplicationSubmitted: who applied (students without a university are not
        in any university's outcomes, so nothing is kept of them)."""
        app = event.application
        if not app.id:
            raise MalformedEvent(f"{envelope.type} {envelope.id} carries no application")
        if app.university_id:
            await handlers.facts.on_application(wire.applied(app, envelope.time), envelope.id)

    return handle


def _on_engagement(handlers: Handlers, to_change: ToChange) -> Handler:
    async def handle(event: Any, envelope: Envelope) -> None:
        """Consumes an event about one engagement: its change of the engagement's fact."""
        change = to_change(event, envelope.time)
        if change is None:
            return
        if not change.engagement_id:
            raise MalformedEvent(f"{envelope.type} {envelope.id} names no engagement")
        await handlers.facts.on_engagement(change, envelope.id)

    return handle
