"""The payout events this context emits (domain side; wire.py maps them to protobuf)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from payouts.domain.model import Payout


class PayoutEventKind(enum.StrEnum):
    SCHEDULED = "scheduled"
    ON_HOLD = "on_hold"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PayoutEvent:
    kind: PayoutEventKind
    payout: Payout
    reason: str = ""


@dataclass(frozen=True)
class Cause:
    """Who and what caused a change: becomes the emitted events' EventContext."""

    subject: str = ""
    role: str = "system"
    org: str = ""
    correlation_id: str = ""
    causation_id: str = ""
