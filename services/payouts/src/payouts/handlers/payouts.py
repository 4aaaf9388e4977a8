"""Use cases of the payout itself: created by an approval, cancelled with its engagement,
retried or cancelled by an admin. Load, decide (domain), store with the domain events.

Sending and settlement are timer-driven (`processing.py`); reads are in `views.py`.
"""

from __future__ import annotations

import logging

from payouts import metrics
from payouts.domain.access import require_admin
from payouts.domain.approval import approved_payout, payout_id_for
from payouts.domain.commands import MAX_REASON, ApprovedEngagement, validate_reason
from payouts.domain.model import Decision, Payout
from payouts.domain.policy import Policy
from payouts.domain.values import PayoutStatus
from payouts.handlers.writer import PayoutWriter
from stint.kit.actor import Cause
from stint.kit.errors import AlreadyExists
from stint.kit.money import Money

log = logging.getLogger(__name__)
CANCELLABLE = {PayoutStatus.ON_HOLD, PayoutStatus.PENDING, PayoutStatus.FAILED}


class PayoutHandlers:
    def __init__(self, writer: PayoutWriter, policy: Policy) -> None:
        self.writer = writer
        self.repo = writer.repo
        self.clock = writer.clock
        self.policy = policy

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
        return await self._create(cmd, cause)

    async def on_partial_release(
        self, cmd: ApprovedEngagement, platform_fee: Money, cause: Cause
    ) -> Payout | None:
        """A kill fee or a dispute's partial release: the engagement's one payout, of
        `cmd.fee` (the released share) with `platform_fee` (the funding's share of it), even
        though the engagement ended cancelled. Emits PayoutScheduled or PayoutOnHold."""
        cmd.validate()
        payout_id = payout_id_for(cmd.engagement_id)
        if (existing := await self.repo.get_payout(payout_id)) is not None:
            return self._same_or_alert(existing, cmd)
        return await self._create(cmd, cause, platform_fee)

    async def _create(
        self, cmd: ApprovedEngagement, cause: Cause, platform_fee: Money | None = None
    ) -> Payout | None:
        """Insert the engagement's payout (a concurrent redelivery may win the insert)."""
        payout_id = payout_id_for(cmd.engagement_id)
        account = await self.repo.get_account(cmd.student_id)
        transition = approved_payout(
            cmd,
            has_account=account is not None,
            policy=self.policy,
            now=self.clock.now(),
            correlation_id=cause.correlation_id,
            platform_fee=platform_fee,
        )
        try:
            payout = await self.writer.create(transition, cause)
        except AlreadyExists:  # a concurrent redelivery won the insert
            return self._same_or_alert(await self.repo.get_payout(payout_id), cmd)
        if payout.status is PayoutStatus.ON_HOLD and await self.repo.get_account(cmd.student_id):
            # The account was registered while we inserted: its resume pass may have missed us.
            return await self.writer.change(payout_id, self._resume, cause)
        return payout

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
        return p.resume(self.clock.now())

    async def on_engagement_cancelled(self, engagement_id: str, reason: str, cause: Cause) -> None:
        """Consumes EngagementCancelled: no payout for it from now on; one not yet sent is
        cancelled (emits PayoutCancelled, reverses the accrual). Money in flight is left alone."""
        await self.repo.mark_engagement_cancelled(engagement_id, self.clock.now())
        payout_id = payout_id_for(engagement_id)
        if await self.repo.get_payout(payout_id) is None:
            return
        why = f"engagement cancelled: {reason}".strip()[:MAX_REASON]

        def decide(p: Payout) -> Decision:
            if p.status not in CANCELLABLE:
                log.warning(
                    "engagement cancelled after its payout was sent", extra={"payout": p.id}
                )
                return None
            return p.cancel(self.clock.now(), why)

        await self.writer.change(payout_id, decide, cause)

    async def retry_payout(self, cause: Cause, payout_id: str) -> Payout:
        """RetryPayout (admin): a FAILED payout is sent again now; emits PayoutScheduled."""
        require_admin(cause.actor)
        return await self.writer.change(payout_id, lambda p: p.retry(self.clock.now()), cause)

    async def cancel_payout(self, cause: Cause, payout_id: str, reason: str) -> Payout:
        """CancelPayout (admin): a payout not sent yet is cancelled; emits PayoutCancelled and
        posts the cancellation entry reversing the accrual."""
        require_admin(cause.actor)
        validate_reason(reason)

        def decide(p: Payout) -> Decision:
            return p.cancel(self.clock.now(), reason)

        return await self.writer.change(payout_id, decide, cause)
