"""The business knobs (from Settings) the handlers decide with; pure values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from payouts.domain.invoice import Party
from stint.kit.money import DEFAULT_MAX_AMOUNT_MINOR

PLATFORM_ISSUER = Party("platform", "stint", "Stint Platform")


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
    # Payments per tax year at or above which the payer files an information return (US Form
    # 1099-NEC), as (first tax year, threshold in minor units) from oldest to newest.
    tax_form_thresholds: tuple[tuple[int, int], ...] = ((2025, 60_000), (2026, 200_000))
    tax_form_currency: str = "USD"
    # The platform maximum per amount (STINT_MAX_AMOUNT_MINOR): a larger fee is never sent.
    max_amount_minor: int = DEFAULT_MAX_AMOUNT_MINOR
    # Who issues invoices and receipts (STINT_INVOICE_ISSUER_NAME).
    invoice_issuer: Party = PLATFORM_ISSUER

    def tax_form_threshold(self, year: int) -> tuple[int, int]:
        """(threshold in minor units, the table year it is from) for payments made in `year`:
        the entry of the latest year not after it; a year before the table takes its first."""
        table = sorted(self.tax_form_thresholds)
        since, amount = table[0]
        for first_year, threshold in table:
            if first_year <= year:
                since, amount = first_year, threshold
        return amount, since

    def retry_delay(self, attempts: int) -> timedelta:
        """Exponential backoff after `attempts` failed attempts (1 → base), capped."""
        delay: timedelta = self.retry_base * (2 ** max(attempts - 1, 0))
        return min(delay, self.retry_max)
