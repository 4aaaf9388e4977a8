"""Use cases driven by events and commands: load, decide (domain), store with events.

Timer-driven processing (sending, settlement, ledger repair) is in `processing.py`; reads in
`queries.py`.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from payouts import metrics
from payouts.authz import require_admin, require_student_or_admin
from payouts.domain.bounds import block_if_out_of_bounds
from payouts.domain.commands import ApprovedEngagement, RegisterAccount, validate_reason
from payouts.domain.events import Cause, PayoutEvent, PayoutEventKind
from payouts.domain.model import (
    PAYOUT_PREFIX,
    Payout,
    PayoutAccount,
    PayoutStatus,
    platform_fee,
)
from payouts.domain.policy import Policy
from payouts.writer import Decision, PayoutWriter
from stint.kit.errors import AlreadyExists
from stint.kit.grpc import Caller
from stint.kit.ids import suffix

log = logging.getLogger(__name__)
Kind = PayoutEventKind
CANCELLABLE = {PayoutStatus.ON_HOLD, PayoutStatus.PENDING, PayoutStatus.FAILED}


def payout_id_for(engagement_id: str) -> str:
    return f"{PAYOUT_PREFIX}_{suffix(engagement_id)}"


def cause_of(caller: Caller) -> Cause:
    return Cause(caller.subject, caller.role, caller.org, caller.request_id)


class Handlers:
    def __init__(self, writer: PayoutWriter, policy: Policy, providers: set[str]) -> None:
        self.writer = writer
        self.repo = writer.repo
        self.clock = writer.clock
        self.policy = policy
        self.providers = providers

    async def on_submission_approved(self, cmd: ApprovedEngagement, cause: Cause) -> Payout | None:
        """Consumes SubmissionApproved: creates the engagement's one payout and its accrual.

        Emits PayoutScheduled (account on file: PENDING, sent by the submit timer) or
        PayoutOnHold; a fee above the platform maximum creates it blocked (PayoutFailed, no
        entries). A redelivery or a second approval changes nothing; the same payout with
        another amount is logged and counted (alert), not applied.
        """
        cmd.validate()
        payout_id = payout_id_for(cmd.engagement_id)
        if (existing := await self.repo.get_payout(payout_id)) is not None:
            return self._same_or_alert(existing, cmd)
        if await self.repo.engagement_cancelled(cmd.engagement_id):
            log.info("approval of a cancelled engagement ignored", extra={"payout": payout_id})
            return None
        account = await self.repo.get_account(cmd.student_id)
        payout = replace(
            self._new_payout(payout_id, cmd, account), correlation_id=cause.correlation_id
        )
        kind = Kind.SCHEDULED if payout.status is PayoutStatus.PENDING else Kind.ON_HOLD
        events = [PayoutEvent(kind, payout)]
        max_amount = self.policy.max_amount_minor
        if blocked := block_if_out_of_bounds(payout, self.clock.now(), max_amount):
            payout, events = blocked
        try:
            payout = await self.writer.create(payout, events, cause)
        except AlreadyExists:  # a concurrent redelivery won the insert
            return self._same_or_alert(await self.repo.get_payout(payout_id), cmd)
        if payout.status is PayoutStatus.ON_HOLD and await self.repo.get_account(cmd.student_id):
            # The account was registered while we inserted: its resume pass may have missed us.
            return await self.writer.change(payout_id, self._resume, cause)
        return payout

    def _new_payout(
        self, pid: str, cmd: ApprovedEngagement, account: PayoutAccount | None
    ) -> Payout:
        now = self.clock.now()
        held = account is None
        return Payout(
            id=pid,
            engagement_id=cmd.engagement_id,
            company_id=cmd.company_id,
            student_id=cmd.student_id,
            posting_title=cmd.title,
            amount=cmd.fee,
            platform_fee=platform_fee(cmd.fee, self.policy.platform_fee_bps),
            status=PayoutStatus.ON_HOLD if held else PayoutStatus.PENDING,
            created_at=now,
            updated_at=now,
            next_attempt_at=now + self.policy.hold_recheck if held else now,
            ledger_due_at=now + self.policy.ledger_repair_delay,
        )

    def _same_or_alert(self, existing: Payout | None, cmd: ApprovedEngagement) -> Payout | None:
        if existing is not None and existing.amount != cmd.fee:
            metrics.AMOUNT_MISMATCH.inc()
            log.error(
                "approval amount differs from the existing payout; not applied",
                extra={
                    "payout": existing.id,
                    "stored": existing.amount.amount_minor,
                    "received": cmd.fee.amount_minor,
                    "currency": cmd.fee.currency,
                },
            )
        return existing

    def _resume(self, p: Payout) -> Decision:
        if p.blocked_reason:  # no account makes its amount payable
            return None
        waiting = p.status is PayoutStatus.ON_HOLD or (
            p.status is PayoutStatus.FAILED and not (p.failure and p.failure.retryable)
        )
        if not waiting:
            return None
        scheduled = p.schedule(self.clock.now())
        return scheduled, [PayoutEvent(Kind.SCHEDULED, scheduled)]

    async def on_engagement_cancelled(self, engagement_id: str, reason: str, cause: Cause) -> None:
        """Consumes EngagementCancelled: no payout for it from now on; one not yet sent is
        cancelled (emits PayoutCancelled, reverses the accrual). Money in flight is left alone."""
        await self.repo.mark_engagement_cancelled(engagement_id, self.clock.now())
        payout_id = payout_id_for(engagement_id)
        if await self.repo.get_payout(payout_id) is None:
            return
        why = f"engagement cancelled: {reason}".strip()[:500]

        def decide(p: Payout) -> Decision:
            if p.status not in CANCELLABLE:
                log.warning(
                    "engagement cancelled after its payout was sent", extra={"payout": p.id}
                )
                return None
            cancelled = p.cancel(self.clock.now(), why)
            return cancelled, [PayoutEvent(Kind.CANCELLED, cancelled, why)]

        await self.writer.change(payout_id, decide, cause)

    async def register_account(self, caller: Caller, cmd: RegisterAccount) -> PayoutAccount:
        """RegisterPayoutAccount: store (or replace) the student's account, then resume their
        held payouts and those that failed for a reason only the student could fix
        (each emits PayoutScheduled)."""
        student_id = require_student_or_admin(caller, cmd.student_id)
        cmd = replace(
            cmd, student_id=student_id, provider=cmd.provider or self.policy.default_provider
        )
        cmd.validate(self.providers)
        now = self.clock.now()
        old = await self.repo.get_account(student_id)
        account = PayoutAccount(
            student_id,
            cmd.provider,
            cmd.destination_token,
            cmd.country,
            cmd.currency,
            created_at=old.created_at if old else now,
            updated_at=now,
            version=old.version if old else 0,
        )
        saved = await self.repo.save_account(account)
        waiting = {PayoutStatus.ON_HOLD, PayoutStatus.FAILED}
        for payout in await self.repo.payouts_of_student(student_id, waiting):
            await self.writer.change(payout.id, self._resume, cause_of(caller))
        return saved

    async def retry_payout(self, caller: Caller, payout_id: str) -> Payout:
        """RetryPayout (admin): a FAILED payout is sent again now; emits PayoutScheduled."""
        require_admin(caller)

        def decide(p: Payout) -> Decision:
            retried = p.retry(self.clock.now())
            return retried, [PayoutEvent(Kind.SCHEDULED, retried)]

        return await self.writer.change(payout_id, decide, cause_of(caller))

    async def cancel_payout(self, caller: Caller, payout_id: str, reason: str) -> Payout:
        """CancelPayout (admin): a payout not sent yet is cancelled; emits PayoutCancelled and
        posts the cancellation entry reversing the accrual."""
        require_admin(caller)
        validate_reason(reason)

        def decide(p: Payout) -> Decision:
            cancelled = p.cancel(self.clock.now(), reason)
            return cancelled, [PayoutEvent(Kind.CANCELLED, cancelled, reason)]

        return await self.writer.change(payout_id, decide, cause_of(caller))
