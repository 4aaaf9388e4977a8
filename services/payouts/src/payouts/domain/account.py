"""A student's payout account (pure): where their payouts go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


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
