"""Kafka entrypoints: decode the submissions events and hand them to the handlers."""

from __future__ import annotations

from payouts.adapters import wire
from payouts.handlers import PayoutHandlers
from stint.contracts import topics
from stint.kit.bus import EventRouter
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.kit.wire import cause_from
from stint.submissions.v1.events_pb2 import EngagementCancelled, SubmissionApproved


def router(settings: KitSettings, handlers: PayoutHandlers) -> EventRouter:
    """What payouts consumes: approvals and cancellations from submissions (each acting as the
    platform, caused by the consumed event)."""
    events = EventRouter()
    submissions = settings.topic(topics.SUBMISSIONS)

    @events.handler(submissions, SubmissionApproved)
    async def on_submission_approved(event: SubmissionApproved, envelope: Envelope) -> None:
        """SubmissionApproved → one payout (PayoutScheduled or PayoutOnHold)."""
        cause = cause_from(event.context, envelope.id)
        await handlers.on_submission_approved(wire.approved_from_pb(event.engagement), cause)

    @events.handler(submissions, EngagementCancelled)
    async def on_engagement_cancelled(event: EngagementCancelled, envelope: Envelope) -> None:
        """EngagementCancelled → no payout; an unsent one is cancelled (PayoutCancelled)."""
        cause = cause_from(event.context, envelope.id)
        await handlers.on_engagement_cancelled(event.engagement.id, event.reason, cause)

    return events
