"""Kafka entrypoints: decode the applications and submissions events and hand them to the
handlers (each acting as the platform, caused by the consumed event)."""

from __future__ import annotations

from payouts.adapters import funding_wire, wire
from payouts.handlers import FundingHandlers, PayoutHandlers
from stint.applications.v1.events_pb2 import CandidateHired
from stint.contracts import topics
from stint.kit.bus import EventRouter
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.kit.wire import cause_from
from stint.submissions.v1.events_pb2 import EngagementCancelled, SubmissionApproved


def router(
    settings: KitSettings, handlers: PayoutHandlers, funding: FundingHandlers
) -> EventRouter:
    """What payouts consumes: hires from applications; approvals and cancellations from
    submissions."""
    events = EventRouter()
    submissions = settings.topic(topics.SUBMISSIONS)

    @events.handler(settings.topic(topics.APPLICATIONS), CandidateHired)
    async def on_candidate_hired(event: CandidateHired, envelope: Envelope) -> None:
        """CandidateHired → the engagement's funding, charged at once (FundingSecured or
        FundingDeclined)."""
        cause = cause_from(event.context, envelope.id)
        await funding.on_candidate_hired(funding_wire.hired_from_pb(event), cause)

    @events.handler(submissions, SubmissionApproved)
    async def on_submission_approved(event: SubmissionApproved, envelope: Envelope) -> None:
        """SubmissionApproved → one payout (PayoutScheduled or PayoutOnHold) and the release
        of its funding's escrow (FundingReleased)."""
        cause = cause_from(event.context, envelope.id)
        await handlers.on_submission_approved(wire.approved_from_pb(event.engagement), cause)
        await funding.on_submission_approved(event.engagement.id, cause)

    @events.handler(submissions, EngagementCancelled)
    async def on_engagement_cancelled(event: EngagementCancelled, envelope: Envelope) -> None:
        """EngagementCancelled → no payout (an unsent one is cancelled: PayoutCancelled), and
        its funding refunded (FundingRefunded) or cancelled (FundingCancelled)."""
        cause = cause_from(event.context, envelope.id)
        engagement_id = event.engagement.id
        await handlers.on_engagement_cancelled(engagement_id, event.reason, cause)
        await funding.on_engagement_cancelled(engagement_id, event.reason, cause)

    return events
