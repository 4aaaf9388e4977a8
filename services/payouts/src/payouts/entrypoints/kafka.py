"""Kafka entrypoints: decode the submissions events and hand them to the handlers."""

from __future__ import annotations

from payouts.adapters import wire
from payouts.handlers import Handlers
from stint.kit.bus import Handler
from stint.kit.envelope import Envelope
from stint.submissions.v1.events_pb2 import EngagementCancelled, SubmissionApproved


def on_submission_approved(handlers: Handlers) -> Handler:
    async def handle(event: SubmissionApproved, envelope: Envelope) -> None:
        """SubmissionApproved → one payout (PayoutScheduled or PayoutOnHold)."""
        cause = wire.cause_from_event(event.context, envelope.id)
        await handlers.on_submission_approved(wire.approved_from_pb(event.engagement), cause)

    return handle


def on_engagement_cancelled(handlers: Handlers) -> Handler:
    async def handle(event: EngagementCancelled, envelope: Envelope) -> None:
        """EngagementCancelled → no payout; an unsent one is cancelled (PayoutCancelled)."""
        cause = wire.cause_from_event(event.context, envelope.id)
        await handlers.on_engagement_cancelled(event.engagement.id, event.reason, cause)

    return handle
