"""Use cases of money in: a company's funding method, the funding a hire creates, and what
approval and cancellation do to it (`charging.py` talks to the provider).

    CandidateHired        → a funding AWAITING_FUNDING, charged at once (FundingSecured or
                            FundingDeclined)
    SetFundingMethod      → the method stored; the company's waiting fundings charged again
    RetryFunding          → one waiting funding charged again
    SubmissionApproved    → a funded engagement's escrow released (FundingReleased)
    EngagementCancelled   → funded: refunded (FundingRefunded); waiting: cancelled
                            (FundingCancelled)
    settle (kill fee, dispute) → funded: the released share kept, the rest refunded (SETTLED)

`settlement.py` moves the payout and the funding together for each consumed event.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from payouts.domain.access import company_of, may_see_party, require_known
from payouts.domain.commands import MAX_REASON, SetFundingMethod
from payouts.domain.errors import InvalidTransition
from payouts.domain.funding import (
    Funding,
    FundingMethod,
    FundingStatus,
    MethodKind,
    funding_id_for,
)
from payouts.domain.funding_method import INVOICE_PROVIDER
from payouts.domain.hire import HiredEngagement, hired_funding
from payouts.domain.invoice_terms import DEFAULT_NET_DAYS
from payouts.domain.policy import Policy
from payouts.handlers.charging import Charger
from payouts.handlers.funding_ports import ChargeProvider
from payouts.handlers.funding_writer import FundingDecision, FundingNotFound, FundingWriter
from payouts.handlers.ports import Repository
from payouts.handlers.sponsoring import Sponsoring
from stint.kit.actor import Actor, Cause
from stint.kit.errors import AlreadyExists, PermissionDenied
from stint.kit.money import Money

log = logging.getLogger(__name__)
AWAITING = FundingStatus.AWAITING_FUNDING


def visible_funding(actor: Actor, f: Funding | None, funding_id: str) -> Funding:
    """The funding, if the actor is its company, its student or an admin (else NotFound)."""
    require_known(actor)
    if f is None or not may_see_party(actor, student_id=f.student_id, company_id=f.company_id):
        raise FundingNotFound(f"funding {funding_id} not found")
    return f


class FundingHandlers:
    def __init__(
        self,
        writer: FundingWriter,
        payouts_repo: Repository,
        policy: Policy,
        providers: Mapping[str, ChargeProvider],
        sponsoring: Sponsoring,
    ) -> None:
        self.writer = writer
        self.store = writer.store
        self.clock = writer.clock
        self.payouts_repo = payouts_repo
        self.policy = policy
        self.sponsoring = sponsoring
        self.charger = Charger(writer, providers)
        self.providers = set(providers)

    async def on_candidate_hired(self, hire: HiredEngagement, cause: Cause) -> Funding | None:
        """Consumes CandidateHired: creates the engagement's one funding and charges it.
        A redelivery finds the funding and only finishes a charge left in flight."""
        hire.validate()
        funding_id = funding_id_for(hire.engagement_id)
        existing = await self.store.get_funding(funding_id)
        if existing is None:
            if await self.payouts_repo.engagement_cancelled(hire.engagement_id):
                return None  # cancelled before we saw the hire: nothing to charge
            funding = hired_funding(
                hire, self.policy.platform_fee_bps, self.clock.now(), cause.correlation_id
            )
            part, refusal = await self.sponsoring.reserve(funding)
            funding = replace(
                funding, sponsor=part, sponsor_refusal=refusal.message if refusal else ""
            )
            try:
                existing = await self.writer.create(funding, cause)
            except AlreadyExists:  # a concurrent redelivery won the insert
                existing = await self.store.get_funding(funding_id)
                if existing is None:  # fundings are never deleted
                    raise
        first_time = existing.attempts == 0 and existing.decline is None
        if existing.status is AWAITING and (first_time or existing.charging):
            return await self.charger.charge(existing, cause)
        return existing

    async def set_method(self, cause: Cause, cmd: SetFundingMethod) -> FundingMethod:
        """SetFundingMethod (the company's employers, admins): store or replace the method,
        then charge every funding of the company that waits (each emits FundingSecured or
        FundingDeclined; a failure of one is logged and left to RetryFunding)."""
        company_id = company_of(cause.actor, cmd.company_id)
        on_terms = cmd.kind == MethodKind.INVOICE.value
        if on_terms and not cause.actor.is_admin:
            raise PermissionDenied("invoice terms and their credit limit are granted by an admin")
        provider = INVOICE_PROVIDER if on_terms else cmd.provider or self.policy.default_provider
        cmd = replace(cmd, company_id=company_id, provider=provider)
        cmd.validate({k.value for k in MethodKind}, self.providers - {INVOICE_PROVIDER})
        now = self.clock.now()
        old = await self.store.get_method(company_id)
        method = FundingMethod(
            company_id,
            MethodKind(cmd.kind),
            cmd.provider,
            cmd.token,
            cmd.currency,
            created_at=old.created_at if old else now,
            updated_at=now,
            version=old.version if old else 0,
            credit_limit=cmd.credit_limit if on_terms else None,
            net_days=(cmd.net_days or DEFAULT_NET_DAYS) if on_terms else 0,
        )
        saved = await self.store.save_method(method)
        async for waiting in self.store.fundings_of_company(company_id, AWAITING):
            try:
                await self.charger.charge(waiting, cause)
            except Exception:
                log.exception("charging a waiting funding failed", extra={"funding": waiting.id})
        return saved

    async def retry(
        self, cause: Cause, funding_id: str, *, without_sponsor: bool = False
    ) -> Funding:
        """RetryFunding (the company's employers, admins): charge a waiting funding again.
        One waiting for an out-of-budget sponsor asks the sponsorships again first, or, with
        `without_sponsor`, is charged the whole total."""
        f = visible_funding(cause.actor, await self.store.get_funding(funding_id), funding_id)
        if not cause.actor.is_admin and cause.actor.org != f.company_id:
            raise PermissionDenied("only the company's employers may retry its funding")
        if f.status is not AWAITING:
            raise InvalidTransition(f"funding {f.id} is {f.status.value}; nothing to retry")
        if f.sponsor_refusal:
            part, refusal = (None, None) if without_sponsor else await self.sponsoring.reserve(f)
            why = refusal.message if refusal else ""

            def attach(x: Funding) -> FundingDecision:
                if x.status is not AWAITING or not x.sponsor_refusal:
                    return None
                return replace(
                    x, sponsor=part, sponsor_refusal=why, updated_at=self.clock.now()
                ), []

            f = await self.writer.change(f.id, attach, cause)
        return await self.charger.charge(f, cause)

    async def on_submission_approved(self, engagement_id: str, cause: Cause) -> None:
        """Consumes SubmissionApproved: a funded engagement's escrow is released."""
        f = await self.store.get_funding(funding_id_for(engagement_id))
        if f is None:
            return  # hired before funding existed: the payout's receivable stays open
        if f.status is AWAITING:
            log.error("approval of an unfunded engagement", extra={"funding": f.id})
            return

        def release(x: Funding) -> FundingDecision:
            return x.release(self.clock.now()) if x.status is FundingStatus.FUNDED else None

        await self.writer.change(f.id, release, cause)

    async def on_engagement_cancelled(self, engagement_id: str, reason: str, cause: Cause) -> None:
        """Consumes EngagementCancelled (after the payouts handler has marked it): a funded
        engagement is refunded in full, a waiting one cancelled (a charge in flight is
        finished first, so a late approval is refunded rather than kept)."""
        await self.settle(engagement_id, None, f"engagement cancelled: {reason}", cause)

    async def settle(
        self, engagement_id: str, released_fee: Money | None, reason: str, cause: Cause
    ) -> Funding | None:
        """The engagement ended with `released_fee` (or nothing) owed to the intern: a funded
        funding is refunded the rest (SETTLED, or REFUNDED in full), a waiting one cancelled;
        an ended one is left as it is. Returns the funding as it ends up."""
        f = await self.store.get_funding(funding_id_for(engagement_id))
        if f is None:
            return None
        why = reason.strip()[:MAX_REASON]

        def cancel(x: Funding) -> FundingDecision:
            if x.status is not AWAITING or x.charging:
                return None  # funded meanwhile, or a charge began: finish it first
            return x.cancel(self.clock.now(), why)

        for _ in range(3):  # a charge may begin between our read and our write
            if f.charging:
                f = await self.charger.finish(f.id, cause)
            if f.status is FundingStatus.FUNDED:
                return await self.charger.refund(f, why, cause, released_fee)
            if f.status is not AWAITING:
                return f
            f = await self.writer.change(f.id, cancel, cause)
            if f.status is not AWAITING:
                return f
        raise RuntimeError(f"funding {f.id} kept charging while its engagement was cancelled")

    async def repair_ledger(self, funding_id: str) -> None:
        """Timer `ledger_due_at`: posts the escrow entries a crash left unposted, then clears
        the timer at that version (a funding changed meanwhile keeps it; it fires again)."""
        f = await self.store.get_funding(funding_id)
        if f is not None:
            await self.writer.post_and_clear(f)
