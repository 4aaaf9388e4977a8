"""The payout aggregate and its state machine (pure: no I/O, no protobuf).

    ON_HOLD ──account──> PENDING ──submit──> PROCESSING ──settled──> PAID
       ^                    ^                    │                     │ returned later
       └──no account────────┤                    └──failed──> FAILED <─┘ (payment reversed)
                            └──retry (timer or admin) / account fixed ──┘
    ON_HOLD, PENDING, FAILED ──cancel──> CANCELLED
    any but CANCELLED ──amount out of bounds──> FAILED, blocked: only cancelling it remains

Every transition returns the new `Payout` with the events it emits (a `Transition`); the
handlers store both with a version check. The counters `payments` and `returns` drive which
journal entries must exist (`ledger.plan`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from payouts.domain.errors import InvalidTransition
from payouts.domain.events import PayoutEvent
from payouts.domain.events import PayoutEventKind as Kind
from payouts.domain.values import AMOUNT_OUT_OF_BOUNDS, Failure, PayoutStatus
from stint.kit.money import Money

# The new state and the events it emits; a decision of None changes nothing.
Transition = tuple["Payout", list[PayoutEvent]]
Decision = Transition | None


def emitting(payout: Payout, kind: Kind, reason: str = "") -> Transition:
    """`payout` with the one event of `kind` that carries it."""
    return payout, [PayoutEvent(kind, payout, reason)]


@dataclass(frozen=True)
class Payout:
    id: str
    engagement_id: str
    company_id: str
    student_id: str
    posting_title: str
    amount: Money
    platform_fee: Money
    status: PayoutStatus
    created_at: datetime
    updated_at: datetime
    attempts: int = 0
    payments: int = 0  # times the provider settled it (PAID)
    returns: int = 0  # times a settled payment came back
    failure: Failure | None = None
    next_attempt_at: datetime | None = None  # submit timer
    next_poll_at: datetime | None = None  # settlement / return-watch timer
    ledger_due_at: datetime | None = None  # ledger repair timer
    provider: str = ""
    provider_reference: str = ""
    paid_at: datetime | None = None
    cancel_reason: str = ""
    account_version: int = 0  # version of the payout account the current attempt was sent to
    correlation_id: str = ""  # of the approval that created it: timer-driven events keep it
    # Why its amount can be neither sent nor posted (design.md §10); set once, never cleared.
    blocked_reason: str = ""
    # The last failure to post its journal entries, until a repair posts them (CheckLedger).
    ledger_error: str = ""
    version: int = 0

    @property
    def idempotency_key(self) -> str:
        """The provider key of the current attempt: the payout id, qualified by the attempt
        number, because a provider answers a repeated key with its first result, and a retry
        after a definite failure must be a new request (a repeat of the same attempt must not)."""
        return f"{self.id}.{self.attempts}"

    def _to(
        self, status: PayoutStatus, now: datetime, allowed: set[PayoutStatus], **kw: object
    ) -> Payout:
        if self.status not in allowed:
            raise InvalidTransition(
                f"payout {self.id} is {self.status.value}, cannot become {status.value}"
            )
        if status is not PayoutStatus.CANCELLED:
            self._require_unblocked()
        return replace(self, status=status, updated_at=now, **kw)  # type: ignore[arg-type]

    def _require_unblocked(self) -> None:
        if self.blocked_reason:
            raise InvalidTransition(
                f"payout {self.id} is blocked ({self.blocked_reason}); it can only be cancelled"
            )

    def ready_to_send(self) -> bool:
        retryable = bool(self.failure and self.failure.retryable)
        return self.status is PayoutStatus.PENDING or (
            self.status is PayoutStatus.FAILED and retryable
        )

    def hold(self, now: datetime, recheck_at: datetime) -> Transition:
        """No payout account: wait for the student to register one (registration resumes it;
        `recheck_at` is a safety net in case that resume was missed). PayoutOnHold, unless it
        was on hold already (the safety-net recheck)."""
        allowed = {PayoutStatus.PENDING, PayoutStatus.FAILED, PayoutStatus.ON_HOLD}
        held = self._to(PayoutStatus.ON_HOLD, now, allowed, next_attempt_at=recheck_at)
        if self.status is PayoutStatus.ON_HOLD:
            return held, []
        return emitting(held, Kind.ON_HOLD)

    def schedule(self, now: datetime) -> Transition:
        """Send (again) as soon as the submit timer runs: account registered or fixed, or retry."""
        allowed = {PayoutStatus.ON_HOLD, PayoutStatus.FAILED, PayoutStatus.PENDING}
        scheduled = self._to(PayoutStatus.PENDING, now, allowed, next_attempt_at=now)
        return emitting(scheduled, Kind.SCHEDULED)

    def resume(self, now: datetime) -> Decision:
        """The student registered (or replaced) an account: a held payout, or one that failed
        for a reason only the student could fix, is scheduled; anything else stays (None)."""
        if self.blocked_reason:  # no account makes its amount payable
            return None
        waiting = self.status is PayoutStatus.ON_HOLD or (
            self.status is PayoutStatus.FAILED and not (self.failure and self.failure.retryable)
        )
        return self.schedule(now) if waiting else None

    def begin_attempt(
        self, now: datetime, provider: str, poll_at: datetime, account_version: int
    ) -> Transition:
        """Record the attempt before calling the provider, so a crash repeats the same key."""
        if not self.ready_to_send():
            raise InvalidTransition(f"payout {self.id} is {self.status.value}, not ready to send")
        sending = self._to(
            PayoutStatus.PROCESSING,
            now,
            {self.status},
            attempts=self.attempts + 1,
            next_attempt_at=None,
            next_poll_at=poll_at,
            provider=provider,
            failure=None,
            account_version=account_version,
        )
        return sending, []

    def still_processing(self, poll_at: datetime, reference: str) -> Transition:
        if self.status is not PayoutStatus.PROCESSING:
            raise InvalidTransition(f"payout {self.id} is {self.status.value}, not processing")
        reference = reference or self.provider_reference
        return replace(self, next_poll_at=poll_at, provider_reference=reference), []

    def settle(self, now: datetime, reference: str, watch_until: datetime | None) -> Transition:
        """The provider paid it: one more payment entry becomes due (PayoutPaid)."""
        paid = self._to(
            PayoutStatus.PAID,
            now,
            {PayoutStatus.PROCESSING},
            payments=self.payments + 1,
            paid_at=now,
            provider_reference=reference or self.provider_reference,
            next_poll_at=watch_until,
            ledger_due_at=now,
        )
        return emitting(paid, Kind.PAID)

    def fail(self, now: datetime, failure: Failure, retry_at: datetime | None) -> Transition:
        """The attempt failed (PayoutFailed); retryable failures get a retry time, others wait
        for the student."""
        failed = self._to(
            PayoutStatus.FAILED,
            now,
            {PayoutStatus.PROCESSING},
            failure=failure,
            next_attempt_at=retry_at if failure.retryable else None,
            next_poll_at=None,
        )
        return emitting(failed, Kind.FAILED)

    def refuse(self, now: datetime, failure: Failure) -> Transition:
        """Not sent, for a reason only the student can fix (PayoutFailed, not retryable): their
        next account registration resumes it."""
        allowed = {PayoutStatus.PENDING, PayoutStatus.FAILED}
        failure = replace(failure, retryable=False)
        refused = self._to(PayoutStatus.FAILED, now, allowed, failure=failure, next_attempt_at=None)
        return emitting(refused, Kind.FAILED)

    def returned(self, now: datetime, failure: Failure) -> Transition:
        """A settled payment came back (PayoutFailed): reverse it and wait for the student to fix
        the account."""
        failure = replace(failure, retryable=False)
        back = self._to(
            PayoutStatus.FAILED,
            now,
            {PayoutStatus.PAID},
            failure=failure,
            returns=self.returns + 1,
            paid_at=None,
            next_poll_at=None,
            next_attempt_at=None,
            ledger_due_at=now,
        )
        return emitting(back, Kind.FAILED)

    def watch_ended(self) -> Transition:
        return replace(self, next_poll_at=None), []

    def retry(self, now: datetime) -> Transition:
        """Admin retry: any failed payout is sent again now (PayoutScheduled)."""
        if self.status is not PayoutStatus.FAILED:
            raise InvalidTransition(
                f"payout {self.id} is {self.status.value}; only failed payouts can be retried"
            )
        self._require_unblocked()
        retried = replace(self, status=PayoutStatus.PENDING, updated_at=now, next_attempt_at=now)
        return emitting(retried, Kind.SCHEDULED)

    def cancel(self, now: datetime, reason: str) -> Transition:
        """Only before the money left: a processing or paid payout cannot be cancelled
        (PayoutCancelled, with the reason)."""
        allowed = {PayoutStatus.ON_HOLD, PayoutStatus.PENDING, PayoutStatus.FAILED}
        cancelled = self._to(
            PayoutStatus.CANCELLED,
            now,
            allowed,
            cancel_reason=reason,
            next_attempt_at=None,
            next_poll_at=None,
            ledger_due_at=now,
        )
        return emitting(cancelled, Kind.CANCELLED, reason)

    def block(self, now: datetime, reason: str) -> Transition:
        """Its amount is out of bounds: FAILED for good (PayoutFailed), no timers and no journal
        entries (`ledger.plan`), so nothing retries it forever; an admin may still cancel it."""
        blocked = self._to(
            PayoutStatus.FAILED,
            now,
            set(PayoutStatus) - {PayoutStatus.CANCELLED},
            failure=Failure(AMOUNT_OUT_OF_BOUNDS, reason, retryable=False),
            blocked_reason=reason,
            next_attempt_at=None,
            next_poll_at=None,
            ledger_due_at=None,
            ledger_error="",
        )
        return emitting(blocked, Kind.FAILED)

    def ledger_posted(self) -> Payout:
        return replace(self, ledger_due_at=None, ledger_error="")

    def ledger_failed(self, error: str) -> Payout:
        """Posting its entries failed; the repair timer (still set) tries again."""
        return replace(self, ledger_error=error)
