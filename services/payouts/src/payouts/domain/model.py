"""The payout aggregate and its state machine (pure: no I/O, no protobuf).

    ON_HOLD ──account──> PENDING ──submit──> PROCESSING ──settled──> PAID
       ^                    ^                    │                     │ returned later
       └──no account────────┤                    └──failed──> FAILED <─┘ (payment reversed)
                            └──retry (timer or admin) / account fixed ──┘
    ON_HOLD, PENDING, FAILED ──cancel──> CANCELLED
    any but CANCELLED ──amount out of bounds──> FAILED, blocked: only cancelling it remains

Every transition returns a new `Payout`; the handlers store it with a version check. The
counters `payments` and `returns` drive which journal entries must exist (`ledger.plan`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from payouts.domain.errors import InvalidTransition

PAYOUT_PREFIX = "pay"
# The failure code of a blocked payout: its amount can be neither sent nor posted.
AMOUNT_OUT_OF_BOUNDS = "amount_out_of_bounds"


class PayoutStatus(enum.StrEnum):
    ON_HOLD = "ON_HOLD"
    PENDING = "PENDING"
    PROCESSING = "PROCESSING"
    PAID = "PAID"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class Money:
    """Integer minor units and an ISO 4217 code; never a float."""

    amount_minor: int
    currency: str


def platform_fee(fee: Money, basis_points: int) -> Money:
    """`basis_points` of `fee`, rounded half up to a whole minor unit."""
    return Money((fee.amount_minor * basis_points + 5_000) // 10_000, fee.currency)


@dataclass(frozen=True)
class PayoutAccount:
    """Where one student's payouts go; `destination_token` is the provider's opaque token."""

    student_id: str
    provider: str
    destination_token: str
    country: str
    currency: str
    created_at: datetime
    updated_at: datetime
    version: int = 0

    @property
    def destination_hint(self) -> str:
        return "…" + self.destination_token[-4:]


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    retryable: bool


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

    def hold(self, now: datetime, recheck_at: datetime) -> Payout:
        """No payout account: wait for the student to register one (registration resumes it;
        `recheck_at` is a safety net in case that resume was missed)."""
        allowed = {PayoutStatus.PENDING, PayoutStatus.FAILED, PayoutStatus.ON_HOLD}
        return self._to(PayoutStatus.ON_HOLD, now, allowed, next_attempt_at=recheck_at)

    def schedule(self, now: datetime) -> Payout:
        """Send (again) as soon as the submit timer runs: account registered or fixed, or retry."""
        allowed = {PayoutStatus.ON_HOLD, PayoutStatus.FAILED, PayoutStatus.PENDING}
        return self._to(PayoutStatus.PENDING, now, allowed, next_attempt_at=now)

    def begin_attempt(
        self, now: datetime, provider: str, poll_at: datetime, account_version: int
    ) -> Payout:
        """Record the attempt before calling the provider, so a crash repeats the same key."""
        if not self.ready_to_send():
            raise InvalidTransition(f"payout {self.id} is {self.status.value}, not ready to send")
        return self._to(
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

    def still_processing(self, poll_at: datetime, reference: str) -> Payout:
        if self.status is not PayoutStatus.PROCESSING:
            raise InvalidTransition(f"payout {self.id} is {self.status.value}, not processing")
        return replace(
            self, next_poll_at=poll_at, provider_reference=reference or self.provider_reference
        )

    def settle(self, now: datetime, reference: str, watch_until: datetime | None) -> Payout:
        """The provider paid it: one more payment entry becomes due."""
        return self._to(
            PayoutStatus.PAID,
            now,
            {PayoutStatus.PROCESSING},
            payments=self.payments + 1,
            paid_at=now,
            provider_reference=reference or self.provider_reference,
            next_poll_at=watch_until,
            ledger_due_at=now,
        )

    def fail(self, now: datetime, failure: Failure, retry_at: datetime | None) -> Payout:
        """The attempt failed; retryable failures get a retry time, others wait for the student."""
        return self._to(
            PayoutStatus.FAILED,
            now,
            {PayoutStatus.PROCESSING},
            failure=failure,
            next_attempt_at=retry_at if failure.retryable else None,
            next_poll_at=None,
        )

    def returned(self, now: datetime, failure: Failure) -> Payout:
        """A settled payment came back: reverse it and wait for the student to fix the account."""
        failure = replace(failure, retryable=False)
        return self._to(
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

    def watch_ended(self) -> Payout:
        return replace(self, next_poll_at=None)

    def retry(self, now: datetime) -> Payout:
        """Admin retry: any failed payout is sent again now."""
        if self.status is not PayoutStatus.FAILED:
            raise InvalidTransition(
                f"payout {self.id} is {self.status.value}; only failed payouts can be retried"
            )
        self._require_unblocked()
        return replace(self, status=PayoutStatus.PENDING, updated_at=now, next_attempt_at=now)

    def cancel(self, now: datetime, reason: str) -> Payout:
        """Only before the money left: a processing or paid payout cannot be cancelled."""
        allowed = {PayoutStatus.ON_HOLD, PayoutStatus.PENDING, PayoutStatus.FAILED}
        return self._to(
            PayoutStatus.CANCELLED,
            now,
            allowed,
            cancel_reason=reason,
            next_attempt_at=None,
            next_poll_at=None,
            ledger_due_at=now,
        )

    def block(self, now: datetime, reason: str) -> Payout:
        """Its amount is out of bounds: FAILED for good, no timers and no journal entries
        (`ledger.plan`), so nothing retries it forever; an admin may still cancel it."""
        return self._to(
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

    def ledger_posted(self) -> Payout:
        return replace(self, ledger_due_at=None, ledger_error="")

    def ledger_failed(self, error: str) -> Payout:
        """Posting its entries failed; the repair timer (still set) tries again."""
        return replace(self, ledger_error=error)
