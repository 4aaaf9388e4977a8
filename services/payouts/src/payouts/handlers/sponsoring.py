"""How sponsorships pay for hires: the share reserved when a hire creates its funding (or a
retry asks again), and the claim settled once the funding ended.

    CandidateHired / RetryFunding → the oldest ACTIVE sponsorship covering the hire reserves
                                    its share (the funding's `sponsor`), or, when every
                                    covering one is out of budget, the funding waits
                                    (`sponsor_budget_exhausted`)
    funding ended (follower)      → the claim keeps the sponsor's part of what was released

Reservation and settlement are idempotent per engagement (the claim is keyed by it), so a
redelivered hire or a repeated follower changes nothing; a crash between the reservation and
the funding's insert is finished by the redelivered hire, which finds its claim.
"""

from __future__ import annotations

from payouts.domain import settlement
from payouts.domain.escrow import FUNDED_ONCE
from payouts.domain.funding import Decline, Funding, FundingStatus
from payouts.domain.sponsor_part import SponsorPart
from payouts.domain.sponsorship import SPONSOR_BUDGET_EXHAUSTED, BudgetExhausted
from payouts.handlers.sponsorship_ports import SponsorshipStore
from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict

ENDED = (*(s for s in FUNDED_ONCE if s is not FundingStatus.FUNDED), FundingStatus.CANCELLED)


class Sponsoring:
    def __init__(self, store: SponsorshipStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def reserve(self, f: Funding) -> tuple[SponsorPart | None, Decline | None]:
        """(the sponsor's part, None), (None, None) when no sponsorship covers the hire, or
        (None, why) when those that cover it cannot pay their share."""
        refusal: Decline | None = None
        async for candidate in self.store.active_sponsorships(f.fee.currency):
            if not candidate.covers(f.company_id, f.university_id, f.posting_id, f.fee):
                continue

            async def once(sponsorship_id: str = candidate.id) -> SponsorPart:
                s = await self.store.get_sponsorship(sponsorship_id)
                assert s is not None  # sponsorships are never deleted
                reserved, part = s.reserve(f.engagement_id, f.company_id, f.total, self.clock.now())
                if reserved is not s:
                    await self.store.update_sponsorship(reserved, s.version)
                return part

            try:
                return await retry_on_conflict(once), None
            except BudgetExhausted as exhausted:
                refusal = refusal or Decline(SPONSOR_BUDGET_EXHAUSTED, str(exhausted))
        return None, refusal

    async def follow(self, f: Funding, cause: Cause) -> None:
        """Once `f` ended, its sponsor's claim keeps what the share paid for (its part of the
        released money) and frees the rest of the budget."""
        if f.sponsor is None or f.status not in ENDED:
            return
        spent = settlement.sponsor_spent(f)
        sponsorship_id = f.sponsor.sponsorship_id

        async def once() -> None:
            s = await self.store.get_sponsorship(sponsorship_id)
            settled = s.settle(f.engagement_id, spent, self.clock.now()) if s else None
            if s is not None and settled is not None:
                await self.store.update_sponsorship(settled, s.version)

        await retry_on_conflict(once)
