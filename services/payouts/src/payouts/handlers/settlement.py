"""How an engagement's end divides its money, one use case per consumed event: the intern's
payout (`payouts.py`) and the funding's escrow (`funding.py`) move together.

    SubmissionApproved              → the whole fee paid out; escrow released
    EngagementCancelled             → no payout; escrow refunded (or, unfunded, cancelled)
    EngagementCancelled + kill fee  → a payout of the kill fee; escrow settled: the kill fee
                                      and its platform fee released, the rest refunded
    DisputeResolved                 → the decision's `released` share: all (as approval),
                                      part (as a kill fee) or nothing (as cancellation)

Each is idempotent (a redelivery finds the payout and the funding where it left them). The
funding moves first, so a partial payout's platform fee is the share the funding released.
"""

from __future__ import annotations

from dataclasses import replace

from payouts.domain import settlement
from payouts.domain.commands import ApprovedEngagement
from payouts.domain.values import platform_fee
from payouts.handlers.funding import FundingHandlers
from payouts.handlers.payouts import PayoutHandlers
from stint.kit.actor import Cause
from stint.kit.money import Money


class Settlements:
    def __init__(self, payouts: PayoutHandlers, funding: FundingHandlers) -> None:
        self.payouts = payouts
        self.funding = funding

    async def on_submission_approved(self, engagement: ApprovedEngagement, cause: Cause) -> None:
        """Emits PayoutScheduled / PayoutOnHold and FundingReleased."""
        await self.payouts.on_submission_approved(engagement, cause)
        await self.funding.on_submission_approved(engagement.engagement_id, cause)

    async def on_engagement_cancelled(
        self,
        engagement: ApprovedEngagement,
        reason: str,
        cause: Cause,
        kill_fee: Money | None = None,
    ) -> None:
        """Emits PayoutCancelled (an unsent one), FundingRefunded or FundingCancelled; with a
        kill fee, PayoutScheduled / PayoutOnHold for it and FundingReleased + FundingRefunded."""
        if kill_fee is None or kill_fee.amount_minor <= 0:
            await self.payouts.on_engagement_cancelled(engagement.engagement_id, reason, cause)
            await self.funding.on_engagement_cancelled(engagement.engagement_id, reason, cause)
            return
        await self._release_part(engagement, kill_fee, f"kill fee: {reason}", cause)

    async def on_dispute_resolved(
        self, engagement: ApprovedEngagement, released: Money, decision: str, cause: Cause
    ) -> None:
        """The admin's decision: the whole fee (as an approval), a part (as a kill fee) or
        nothing (as a cancellation, which submissions also emits)."""
        why = f"dispute resolved: {decision}"
        if released.amount_minor >= engagement.fee.amount_minor:
            await self.on_submission_approved(engagement, cause)
        elif released.amount_minor > 0:
            await self._release_part(engagement, released, why, cause)
        else:
            await self.on_engagement_cancelled(engagement, why, cause)

    async def _release_part(
        self, engagement: ApprovedEngagement, released: Money, reason: str, cause: Cause
    ) -> None:
        if released.amount_minor >= engagement.fee.amount_minor:
            await self.on_submission_approved(engagement, cause)
            return
        f = await self.funding.settle(engagement.engagement_id, released, reason, cause)
        if f is not None and f.funded_at is None:
            return  # never funded (cancelled now): there is no money to pay a share from
        share = (
            settlement.platform_share(f, released)
            if f is not None
            else platform_fee(released, self.payouts.policy.platform_fee_bps)
        )
        await self.payouts.on_partial_release(replace(engagement, fee=released), share, cause)
