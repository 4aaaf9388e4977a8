"""The payout events this context emits (domain side; adapters/wire.py maps them to protobuf).

The transitions of `model.Payout` return them with the new state; the repository stores both
in one write, and the events' `EventContext` comes from the change's `stint.kit.actor.Cause`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
