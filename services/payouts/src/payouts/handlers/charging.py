"""Charging a funding: the only code that asks a charge provider for money or a refund.

An attempt is stored as begun (`charging`, a new idempotency key, `charge_due_at` as the repair
timer) before the provider is called, and its answer is stored after; a crash in between is
repaired by asking again with the same key (`repair_due`), which returns the first answer, so
a company is never charged twice for one attempt. A refund calls the provider first (its key
is fixed per funding) and stores the result after, so a redelivered cancellation repeats it
harmlessly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from payouts import metrics
from payouts.domain import settlement
from payouts.domain.funding import Decline, Funding, FundingMethod, FundingStatus
from payouts.domain.hire import PROVIDER_UNAVAILABLE, refuse_before_charge
from payouts.domain.sponsor_part import split
from payouts.handlers.funding_ports import ChargeProvider, ChargeRequest, ChargeResult
from payouts.handlers.funding_writer import FundingDecision, FundingNotFound, FundingWriter
from stint.kit.actor import Cause
from stint.kit.money import Money

log = logging.getLogger(__name__)
AWAITING = FundingStatus.AWAITING_FUNDING
Decide = Callable[[Funding], FundingDecision]


class Charger:
    def __init__(self, writer: FundingWriter, providers: Mapping[str, ChargeProvider]) -> None:
        self.writer = writer
        self.store = writer.store
        self.clock = writer.clock
        self.providers = providers

    async def charge(self, f: Funding, cause: Cause) -> Funding:
        """Charge a waiting funding with the company's current method (or finish the attempt
        in flight); emits FundingSecured or FundingDeclined. Anything else is left as it is."""
        if f.status is not AWAITING:
            return f
        if f.charging:
            return await self.finish(f.id, cause)
        if f.company_total.amount_minor == 0 and not f.sponsor_refusal:
            return await self.writer.change(f.id, self._sponsored, cause)
        method = await self.store.get_method(f.company_id)
        refusal = refuse_before_charge(f, method, set(self.providers))
        if refusal is not None:
            return await self.writer.change(f.id, self._decline_if_waiting(refusal), cause)
        assert method is not None  # refuse_before_charge refuses a missing method
        begun = await self.writer.change(f.id, self._begin(method), cause)
        return await self.finish(begun.id, cause, begun, method)

    async def finish(
        self,
        funding_id: str,
        cause: Cause,
        begun: Funding | None = None,
        method: FundingMethod | None = None,
    ) -> Funding:
        """Ask the provider for the answer to the attempt in flight and store it (`begun` and
        `method`: as the caller just read them, so they are not read again)."""
        f = begun or await self.store.get_funding(funding_id)
        if f is None:
            raise FundingNotFound(f"funding {funding_id} not found")
        if f.status is not AWAITING or not f.charging:
            return f
        method = method or await self.store.get_method(f.company_id)
        provider = self.providers.get(f.provider)
        if provider is None or method is None:  # the provider was unconfigured since
            log.error("charge in flight has no provider or method", extra={"funding": f.id})
            result = ChargeResult(False, "", PROVIDER_UNAVAILABLE, "payment provider unavailable")
        else:
            result = await self._call(provider, f, method)
        attempt = f.attempts

        def record(x: Funding) -> FundingDecision:
            if x.status is not AWAITING or not x.charging or x.attempts != attempt:
                return None  # answered already (a concurrent finish or the repair timer)
            now = self.clock.now()
            if result.approved:
                return x.secured(now, result.reference)
            return x.declined(now, Decline(result.decline_code, result.decline_message))

        return await self.writer.change(f.id, record, cause)

    async def repair_due(self, funding_id: str) -> None:
        """The charge-repair timer: an attempt whose answer was never stored."""
        f = await self.store.get_funding(funding_id)
        if f is not None:  # timers act as the platform, in the hire's correlation chain
            await self.finish(f.id, Cause.system(correlation_id=f.correlation_id), f)

    async def refund(
        self, f: Funding, reason: str, cause: Cause, released_fee: Money | None = None
    ) -> Funding:
        """Refund a funded engagement in full (FundingRefunded), or all but `released_fee`
        and its platform fee (SETTLED: FundingReleased, FundingRefunded). The refund key is
        fixed, so a crash before recording asks the provider again and gets the same refund."""
        provider = self.providers.get(f.provider)
        if provider is None:
            log.error("refund needs a provider that is gone", extra={"funding": f.id})
            raise RuntimeError(f"payment provider {f.provider!r} is not configured")
        company_part, _ = split(settlement.refund_for(f, released_fee), f.sponsor, f.total)
        if company_part.amount_minor > 0:  # the sponsor's part goes back to its account
            reference = await provider.refund(f.refund_key, f.provider_reference, company_part)
            metrics.CHARGE_CALLS.labels(provider.name, "refunded").inc()
        else:
            reference = ""

        def record(x: Funding) -> FundingDecision:
            if x.status is not FundingStatus.FUNDED:
                return None
            return x.refund(self.clock.now(), reason, reference, released_fee)

        return await self.writer.change(f.id, record, cause)

    async def _call(self, provider: ChargeProvider, f: Funding, m: FundingMethod) -> ChargeResult:
        request = ChargeRequest(f.idempotency_key, f.id, f.company_total, m.token)
        try:
            result = await provider.charge(request)
        except Exception:
            metrics.CHARGE_CALLS.labels(provider.name, "error").inc()
            raise  # the attempt stays in flight: the repair timer asks again
        metrics.CHARGE_CALLS.labels(
            provider.name, "approved" if result.approved else "declined"
        ).inc()
        return result

    def _sponsored(self, x: Funding) -> FundingDecision:
        """Sponsored in full: funded without asking anyone for money (no method needed)."""
        if x.status is not AWAITING or x.charging:
            return None
        return x.secured(self.clock.now(), "sponsored")

    def _begin(self, method: FundingMethod) -> Decide:
        def begin(x: Funding) -> FundingDecision:
            if x.status is not AWAITING or x.charging:
                return None  # funded meanwhile, or another attempt is in flight: finish that
            now = self.clock.now()
            return x.begin_charge(now, method, now + self.writer.repair_delay)

        return begin

    def _decline_if_waiting(self, decline: Decline) -> Decide:
        def decide(x: Funding) -> FundingDecision:
            if x.status is not AWAITING or x.charging:
                return None
            if x.decline == decline:  # the same answer again: no second notice
                return None
            return x.declined(self.clock.now(), decline)

        return decide
