"""The business knobs (from Settings) the handlers decide with; pure values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from stint.kit.money import DEFAULT_MAX_AMOUNT_MINOR


@dataclass(frozen=True)
class Policy:
    platform_fee_bps: int = 1_000  # 10 %
    default_provider: str = "sandbox"
    poll_interval: timedelta = timedelta(seconds=5)
    retry_base: timedelta = timedelta(seconds=30)
    retry_max: timedelta = timedelta(hours=6)
    max_attempts: int = 8
    return_watch: timedelta = timedelta(minutes=10)
    ledger_repair_delay: timedelta = timedelta(seconds=30)
    hold_recheck: timedelta = timedelta(hours=1)
    tax_form_threshold_minor: int = 60_000
    tax_form_currency: str = "USD"
    # The platform maximum per amount (STINT_MAX_AMOUNT_MINOR): a larger fee is never sent.
    max_amount_minor: int = DEFAULT_MAX_AMOUNT_MINOR

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential backoff after `attempts` failed attempts (1 → base), capped."""
        delay: timedelta = self.retry_base * (2 ** max(attempts - 1, 0))
        return min(delay, self.retry_max)
