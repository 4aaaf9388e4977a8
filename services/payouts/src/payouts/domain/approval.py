"""An approved engagement becomes its one payout (pure)."""

from __future__ import annotations

from datetime import datetime

from payouts.domain.bounds import block_if_out_of_bounds
from payouts.domain.commands import ApprovedEngagement
from payouts.domain.events import PayoutEventKind as Kind
from payouts.domain.model import Payout, Transition, emitting
from payouts.domain.policy import Policy
from payouts.domain.values import PAYOUT_PREFIX, PayoutStatus
from payouts.domain.values import platform_fee as fee_at
from stint.kit.ids import suffix
from stint.kit.money import Money


def payout_id_for(engagement_id: str) -> str:
    """The engagement's one payout id: deterministic, so a redelivery finds it."""
    return f"{PAYOUT_PREFIX}_{suffix(engagement_id)}"


def approved_payout(
    cmd: ApprovedEngagement,
    *,
    has_account: bool,
    policy: Policy,
    now: datetime,
    correlation_id: str,
    platform_fee: Money | None = None,
) -> Transition:
    """The new payout: PENDING (PayoutScheduled, sent by the submit timer) when the student has
    an account on file, else ON_HOLD (PayoutOnHold, rechecked after `hold_recheck`); its
    accrual is due at once. A fee above the platform maximum creates it blocked (PayoutFailed,
    no entries). `platform_fee` is given for a partial release (the funding's share of it);
    else it is the policy's share of the fee."""
    held = not has_account
    payout = Payout(
        id=payout_id_for(cmd.engagement_id),
        engagement_id=cmd.engagement_id,
        company_id=cmd.company_id,
        student_id=cmd.student_id,
        posting_title=cmd.title,
        amount=cmd.fee,
        platform_fee=platform_fee or fee_at(cmd.fee, policy.platform_fee_bps),
        status=PayoutStatus.ON_HOLD if held else PayoutStatus.PENDING,
        created_at=now,
        updated_at=now,
        next_attempt_at=now + policy.hold_recheck if held else now,
        ledger_due_at=now + policy.ledger_repair_delay,
        correlation_id=correlation_id,
    )
    if blocked := block_if_out_of_bounds(payout, now, policy.max_amount_minor):
        return blocked
    return emitting(payout, Kind.ON_HOLD if held else Kind.SCHEDULED)
