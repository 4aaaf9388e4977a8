"""Timer-driven processing: sending payouts, observing settlement, repairing the ledger.

Sending is two writes around the provider call: the attempt is recorded first (PROCESSING,
attempt n, poll time), then the provider is called with key `<payout id>.<n>`. A crash after
the first write is healed by the poll timer, which asks the provider about key n and submits
it (idempotently) if the provider never saw it; the money can therefore leave at most once per
attempt, and a new attempt only starts after the previous one definitely failed.

Both the submit and the ledger-repair timers first check the payout's fee against the platform
maximum (`domain/bounds`): a payout stored before the bound, whose entries could not even be
stored, is blocked instead of being sent, or retried by the repair timer forever.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from payouts import metrics
from payouts.domain.account import PayoutAccount
from payouts.domain.bounds import block_if_out_of_bounds
from payouts.domain.currency import refuse_if_currency_differs
from payouts.domain.model import Decision, Payout, Transition
from payouts.domain.policy import Policy
from payouts.domain.values import Failure, PayoutStatus
from payouts.handlers.ports import PaymentProvider, PayoutRequest, ProviderResult, ProviderStatus
from payouts.handlers.writer import PayoutWriter
from stint.kit.actor import Cause
from stint.kit.conflicts import retry_on_conflict

log = logging.getLogger(__name__)


class Processor:
    def __init__(
        self, writer: PayoutWriter, policy: Policy, providers: Mapping[str, PaymentProvider]
    ) -> None:
        self.writer = writer
        self.repo = writer.repo
        self.clock = writer.clock
        self.policy = policy
        self.providers = providers

    async def submit_due(self, payout_id: str) -> None:
        """Timer `next_attempt_at`: sends a PENDING (or retryably FAILED) payout; without an
        account it goes ON_HOLD (emits PayoutOnHold). Emits PayoutPaid/PayoutFailed when the
        provider answers at once; usually settlement is left to `poll_due`."""
        p = await self.repo.get_payout(payout_id)
        if p is None:
            return
        account = await self.repo.get_account(p.student_id)
        provider = self.providers.get(account.provider) if account else None
        decide = functools.partial(self._send_or_hold, account, provider, self.clock.now())
        started = await self.writer.change(payout_id, decide, _timer_cause(p), known=p)
        sent = started.status is PayoutStatus.PROCESSING and started.attempts > p.attempts
        if sent and account is not None and provider is not None:
            result = await provider.submit(_request(started, account))
            metrics.PROVIDER_CALLS.labels(provider.name, result.status.value).inc()
            if result.status is not ProviderStatus.PROCESSING:
                await self._apply(started, result)

    def _send_or_hold(
        self,
        account: PayoutAccount | None,
        provider: PaymentProvider | None,
        now: datetime,
        p: Payout,
    ) -> Decision:
        if blocked := block_if_out_of_bounds(p, now, self.policy.max_amount_minor):
            return blocked  # never sent: not even a provider should see this amount
        if p.status is PayoutStatus.ON_HOLD:
            if account is None:  # the safety-net recheck: still nothing to send to
                return p.hold(now, now + self.policy.hold_recheck)
            return p.schedule(now)
        if not p.ready_to_send():  # the timer outlived the state that set it
            return replace(p, next_attempt_at=None), []
        if account is None or provider is None:
            return p.hold(now, now + self.policy.hold_recheck)
        if refused := refuse_if_currency_differs(p, account, now):
            return refused
        poll_at = now + self.policy.poll_interval
        return p.begin_attempt(now, provider.name, poll_at, account.version)

    async def poll_due(self, payout_id: str) -> None:
        """Timer `next_poll_at`: asks the provider about the current attempt. PROCESSING →
        PAID (emits PayoutPaid, posts the payment) or FAILED (emits PayoutFailed; retryable
        ones get a backoff retry). A PAID payout is checked once more at the end of the return
        window: a late failure reverses the payment (emits PayoutFailed)."""
        p = await self.repo.get_payout(payout_id)
        if p is None:
            return
        provider = self.providers.get(p.provider)
        if p.status not in (PayoutStatus.PROCESSING, PayoutStatus.PAID) or provider is None:
            if p.status is PayoutStatus.PROCESSING:  # configuration error: needs an operator
                log.error("payout in flight with an unknown provider", extra={"payout": p.id})
            await self.writer.change(payout_id, Payout.watch_ended, _timer_cause(p), known=p)
            return
        result = await provider.status(p.idempotency_key)
        if result is None and p.status is PayoutStatus.PROCESSING:
            result = await self._resubmit(p, provider)
        if result is not None:
            await self._apply(p, result)

    async def _resubmit(self, p: Payout, provider: PaymentProvider) -> ProviderResult | None:
        """The attempt was recorded but the provider never got it (crash): send it now."""
        account = await self.repo.get_account(p.student_id)
        if account is None:
            return None
        return await provider.submit(_request(p, account))

    async def _apply(self, p: Payout, result: ProviderResult) -> None:
        """Record what the provider said about attempt `p.attempts` (stale answers ignored)."""
        now = self.clock.now()
        # Only a failure may be resent to a replaced account: no other answer needs it.
        failed = result.status is ProviderStatus.FAILED
        account = await self.repo.get_account(p.student_id) if failed else None

        def decide(current: Payout) -> Decision:
            if current.attempts != p.attempts:
                return None  # a later attempt took over; this answer is stale
            decision = self._outcome(current, result, now)
            return self._resend_if_fixed(current, decision, account, now)

        await self.writer.change(p.id, decide, _timer_cause(p), known=p)

    def _outcome(self, p: Payout, result: ProviderResult, now: datetime) -> Decision:
        failure = Failure(result.failure_code, result.failure_message, result.retryable)
        if p.status is PayoutStatus.PROCESSING:
            if result.status is ProviderStatus.PROCESSING:
                return p.still_processing(now + self.policy.poll_interval, result.reference)
            if result.status is ProviderStatus.PAID:
                return p.settle(now, result.reference, now + self.policy.return_watch)
            return self._failed(p, failure)
        if p.status is PayoutStatus.PAID and result.status is ProviderStatus.FAILED:
            return p.returned(now, failure)
        if p.status is PayoutStatus.PAID and p.next_poll_at is not None and p.paid_at:
            # Only the check at the end of the return window ends the watch; an earlier
            # (stale or concurrent) "paid" answer just keeps it scheduled.
            watch_end = p.paid_at + self.policy.return_watch
            if now >= watch_end:
                return p.watch_ended()
            return replace(p, next_poll_at=watch_end), []
        return None

    @staticmethod
    def _resend_if_fixed(
        p: Payout, decision: Decision, account: PayoutAccount | None, now: datetime
    ) -> Decision:
        """A final failure of an attempt sent to an account the student has since replaced:
        registration could not resume it (it was in flight), so it is sent again now."""
        if decision is None or decision[0].status is not PayoutStatus.FAILED:
            return decision
        failed, events = decision
        fixed = account is not None and account.version != p.account_version
        if failed.failure is None or failed.failure.retryable or not fixed:
            return decision
        resumed, scheduled = failed.schedule(now)
        return resumed, [*events, *scheduled]

    def _failed(self, p: Payout, failure: Failure) -> Transition:
        """Retryable failures get a backoff retry, until `max_attempts` (then an admin retries)."""
        now = self.clock.now()
        if failure.retryable and p.attempts >= self.policy.max_attempts:
            failure = replace(failure, retryable=False, message=f"{failure.message} (gave up)")
        return p.fail(now, failure, now + self.policy.retry_delay(p.attempts))

    async def repair_ledger(self, payout_id: str) -> None:
        """Timer `ledger_due_at`: posts the journal entries the payout requires that are
        missing (a crash between the state change and the posting), then clears the timer at
        that same version. Emits nothing, unless the fee is out of bounds: then the payout is
        blocked instead (emits PayoutFailed), which also clears the timer. A payout changed
        meanwhile (a version conflict) may need more entries: it is loaded and posted again."""

        async def once() -> None:
            p = await self.repo.get_payout(payout_id)
            if p is None or p.ledger_due_at is None:
                return
            if self._block(p) is not None:
                await self.writer.change(p.id, self._block, _timer_cause(p), known=p)
                return
            await self.writer.ledger.post(p)
            await self.repo.update_payout(p.ledger_posted(), p.version)

        await retry_on_conflict(once)

    def _block(self, p: Payout) -> Decision:
        return block_if_out_of_bounds(p, self.clock.now(), self.policy.max_amount_minor)


def _request(p: Payout, account: PayoutAccount) -> PayoutRequest:
    return PayoutRequest(p.idempotency_key, p.id, p.attempts, p.amount, account.destination_token)


def _timer_cause(p: Payout) -> Cause:
    """Timers act as the platform, in the correlation chain of the approval that created it."""
    return Cause.system(correlation_id=p.correlation_id)
