"""Kafka entrypoints: decode the applications and submissions events and hand them to the
handlers (each acting as the platform, caused by the consumed event)."""

from __future__ import annotations

from payouts.adapters import funding_wire, wire
from payouts.handlers import FundingHandlers, Settlements
from stint.applications.v1.events_pb2 import CandidateHired
from stint.contracts import topics
from stint.kit.bus import EventRouter
from stint.kit.envelope import Envelope
from stint.kit.settings import KitSettings
from stint.kit.wire import cause_from, money_of
from stint.submissions.v1.events_pb2 import (
    DisputeResolved,
    EngagementCancelled,
    SubmissionApproved,
)


def router(
    settings: KitSettings, settlements: Settlements, funding: FundingHandlers
) -> EventRouter:
    """What payouts consumes: hires from applications; approvals, cancellations and dispute
    decisions from submissions."""
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
        await settlements.on_submission_approved(wire.approved_from_pb(event.engagement), cause)

    @events.handler(submissions, EngagementCancelled)
    async def on_engagement_cancelled(event: EngagementCancelled, envelope: Envelope) -> None:
        """EngagementCancelled → no payout (an unsent one is cancelled: PayoutCancelled), and
        its funding refunded (FundingRefunded) or cancelled (FundingCancelled); with a kill
        fee, a payout of it and the rest refunded."""
        cause = cause_from(event.context, envelope.id)
        kill_fee = money_of(event.kill_fee) if event.HasField("kill_fee") else None
        engagement = wire.approved_from_pb(event.engagement)
        await settlements.on_engagement_cancelled(engagement, event.reason, cause, kill_fee)

    @events.handler(submissions, DisputeResolved)
    async def on_dispute_resolved(event: DisputeResolved, envelope: Envelope) -> None:
        """DisputeResolved → the decision's released share paid out (all, part or none) and
        the rest of the funding refunded."""
        cause = cause_from(event.context, envelope.id)
        resolution = event.dispute.resolution
        await settlements.on_dispute_resolved(
            wire.approved_from_pb(event.engagement),
            money_of(resolution.released),
            resolution.decision,
            cause,
        )

    return events
