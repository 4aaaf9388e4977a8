"""The payout state machine: allowed transitions, refused ones, and what each one records."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from payouts.domain.errors import InvalidTransition
from payouts.domain.model import Payout
from payouts.domain.policy import Policy
from payouts.domain.values import Failure, PayoutStatus
from stint.kit.money import Money

NOW = datetime(2026, 3, 1, tzinfo=UTC)
LATER = NOW + timedelta(seconds=5)
S = PayoutStatus


def payout(status: PayoutStatus = S.PENDING, **kw: object) -> Payout:
    base = Payout(
        "pay_1",
        "eng_1",
        "cmp_1",
        "usr_s",
        "t",
        Money(100, "USD"),
        Money(10, "USD"),
        status,
        NOW,
        NOW,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_happy_path_pending_processing_paid() -> None:
    sending, _ = payout().begin_attempt(NOW, "sandbox", LATER, 1)
    assert (sending.status, sending.attempts, sending.next_poll_at) == (S.PROCESSING, 1, LATER)
    assert sending.idempotency_key == "pay_1.1"
    paid, _ = sending.settle(LATER, "ref", LATER + timedelta(minutes=10))
    assert (paid.status, paid.payments, paid.paid_at, paid.ledger_due_at) == (
        S.PAID,
        1,
        LATER,
        LATER,
    )


def test_retryable_failure_is_retried_with_a_new_attempt_key() -> None:
    sending, _ = payout().begin_attempt(NOW, "sandbox", LATER, 1)
    failed, _ = sending.fail(LATER, Failure("could_not_process", "m", True), LATER + timedelta(30))
    assert failed.next_attempt_at == LATER + timedelta(30)
    again, _ = failed.begin_attempt(LATER, "sandbox", LATER, 1)
    assert (again.attempts, again.idempotency_key, again.failure) == (2, "pay_1.2", None)


def test_final_failure_waits_for_the_account_and_cannot_be_sent() -> None:
    failed, _ = payout(S.PROCESSING, attempts=1).fail(
        NOW, Failure("account_closed", "m", False), LATER
    )
    assert failed.next_attempt_at is None
    with pytest.raises(InvalidTransition):
        failed.begin_attempt(NOW, "sandbox", LATER, 1)
    assert failed.schedule(LATER)[0].status is S.PENDING


def test_late_return_reverses_and_becomes_final_failure() -> None:
    paid = payout(S.PAID, payments=1, paid_at=NOW, next_poll_at=LATER)
    back, _ = paid.returned(LATER, Failure("account_closed", "m", True))
    assert (back.status, back.returns, back.paid_at, back.next_poll_at) == (S.FAILED, 1, None, None)
    assert back.failure is not None
    assert not back.failure.retryable
    assert back.ledger_due_at == LATER


@pytest.mark.parametrize("status", [S.ON_HOLD, S.PENDING, S.FAILED])
def test_unsent_payouts_can_be_cancelled(status: PayoutStatus) -> None:
    cancelled, _ = payout(status).cancel(NOW, "dup")
    assert (cancelled.status, cancelled.cancel_reason, cancelled.next_attempt_at) == (
        S.CANCELLED,
        "dup",
        None,
    )


@pytest.mark.parametrize("status", [S.PROCESSING, S.PAID, S.CANCELLED])
def test_money_in_flight_or_paid_cannot_be_cancelled(status: PayoutStatus) -> None:
    with pytest.raises(InvalidTransition):
        payout(status).cancel(NOW, "no")


@pytest.mark.parametrize("status", [S.ON_HOLD, S.PENDING, S.PROCESSING, S.PAID, S.CANCELLED])
def test_only_failed_payouts_can_be_retried_by_an_admin(status: PayoutStatus) -> None:
    with pytest.raises(InvalidTransition):
        payout(status).retry(NOW)


@pytest.mark.parametrize("status", [S.ON_HOLD, S.PAID, S.CANCELLED, S.PROCESSING])
def test_only_pending_or_retryable_payouts_are_sent(status: PayoutStatus) -> None:
    with pytest.raises(InvalidTransition):
        payout(status).begin_attempt(NOW, "sandbox", LATER, 1)


def test_settle_only_from_processing() -> None:
    with pytest.raises(InvalidTransition):
        payout(S.PENDING).settle(NOW, "r", None)


def test_backoff_doubles_and_is_capped() -> None:
    policy = Policy(retry_base=timedelta(seconds=30), retry_max=timedelta(minutes=2))
    delays = [policy.retry_delay(n).total_seconds() for n in (1, 2, 3, 4)]
    assert delays == [30, 60, 120, 120]
