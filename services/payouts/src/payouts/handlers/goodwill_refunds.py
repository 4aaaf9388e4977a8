"""RefundPlatformFee (admins): a goodwill refund of the platform fee after the work was paid
for (`domain/goodwill.py`). The provider is asked first with a fixed key (`fnd_….goodwill`),
then the refund is recorded (FundingRefunded, the goodwill_refund entry, a goodwill credit
note); a crash in between is finished by asking again, which returns the same refund."""

from __future__ import annotations

from collections.abc import Mapping

from payouts import metrics
from payouts.domain import goodwill
from payouts.domain.access import require_admin
from payouts.domain.commands import validate_reason
from payouts.domain.funding import Funding
from payouts.handlers.funding_ports import ChargeProvider
from payouts.handlers.funding_writer import FundingDecision, FundingNotFound, FundingWriter
from stint.kit.actor import Cause
from stint.kit.errors import FailedPrecondition
from stint.kit.money import Money


class GoodwillRefunds:
    def __init__(self, writer: FundingWriter, providers: Mapping[str, ChargeProvider]) -> None:
        self.writer = writer
        self.providers = providers

    async def refund(self, cause: Cause, funding_id: str, amount: Money, reason: str) -> Funding:
        require_admin(cause.actor)
        validate_reason(reason)
        f = await self.writer.store.get_funding(funding_id)
        if f is None:
            raise FundingNotFound(f"funding {funding_id} not found")
        goodwill.check(f, amount)  # before any provider is asked
        provider = self.providers.get(f.provider)
        if provider is None:
            raise FailedPrecondition(f"payment provider {f.provider!r} is not configured")
        reference = await provider.refund(f"{f.id}.goodwill", f.provider_reference, amount)
        metrics.CHARGE_CALLS.labels(provider.name, "refunded").inc()
        refund = goodwill.Goodwill(amount, reason.strip(), reference, self.writer.clock.now())

        def record(x: Funding) -> FundingDecision:
            return goodwill.refunded(x, refund)

        return await self.writer.change(f.id, record, cause)
