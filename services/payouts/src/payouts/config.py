"""Settings of the payouts service (env prefix STINT_, e.g. STINT_PLATFORM_FEE_BPS)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from payouts.domain.invoice import Party
from payouts.domain.policy import PLATFORM_ISSUER, Policy
from stint.kit.settings import KitSettings


class Settings(KitSettings):
    service_name: str = "payouts"
    grpc_port: int = Field(default=50054, ge=0, le=65535)
    http_port: int = Field(default=9104, ge=0, le=65535)

    platform_fee_bps: int = Field(default=1_000, ge=0, le=10_000)
    default_provider: str = "sandbox"
    # How often a PROCESSING payout is polled for settlement.
    poll_seconds: float = Field(default=5.0, gt=0)
    retry_base_seconds: float = Field(default=30.0, gt=0)
    retry_max_seconds: float = Field(default=6 * 3600.0, gt=0)
    max_attempts: int = Field(default=8, ge=1, le=50)
    # How long after settlement a payout is checked once more for a late return.
    return_watch_seconds: float = Field(default=600.0, gt=0)
    # When the ledger-repair timer verifies a new payout's entries (crash recovery).
    ledger_repair_seconds: float = Field(default=30.0, gt=0)
    # Safety net for held payouts whose resume on account registration was missed.
    hold_recheck_seconds: float = Field(default=3600.0, gt=0)
    # A timer handler that crashed runs again after this lease (renewed while it runs).
    timer_lease_seconds: float = Field(default=10.0, gt=0)
    # Tax year -> the information-reporting threshold from that year on, in minor units of
    # STINT_TAX_FORM_CURRENCY (JSON, e.g. '{"2025": 60000, "2026": 200000, "2027": 210000}').
    # US Form 1099-NEC: USD 600 through 2025; USD 2,000 for payments after 31 Dec 2025 (IRC
    # §6041(a) as amended by Public Law 119-21 §70433, the 2025 budget act); indexed for
    # inflation from 2027 in USD 100 steps: add each year's figure when the IRS publishes it.
    tax_form_thresholds_minor: dict[int, int] = Field(
        default_factory=lambda: {2025: 60_000, 2026: 200_000}, min_length=1
    )
    tax_form_currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    # The legal name printed as the issuer of invoices, receipts and credit notes.
    invoice_issuer_name: str = Field(default=PLATFORM_ISSUER.name, min_length=1, max_length=120)
    sandbox_settle_seconds: float = Field(default=2.0, ge=0)
    sandbox_return_seconds: float = Field(default=60.0, ge=0)

    def policy(self) -> Policy:
        return Policy(
            platform_fee_bps=self.platform_fee_bps,
            default_provider=self.default_provider,
            poll_interval=timedelta(seconds=self.poll_seconds),
            retry_base=timedelta(seconds=self.retry_base_seconds),
            retry_max=timedelta(seconds=self.retry_max_seconds),
            max_attempts=self.max_attempts,
            return_watch=timedelta(seconds=self.return_watch_seconds),
            ledger_repair_delay=timedelta(seconds=self.ledger_repair_seconds),
            hold_recheck=timedelta(seconds=self.hold_recheck_seconds),
            tax_form_thresholds=tuple(sorted(self.tax_form_thresholds_minor.items())),
            tax_form_currency=self.tax_form_currency,
            max_amount_minor=self.max_amount_minor,
            invoice_issuer=Party("platform", PLATFORM_ISSUER.id, self.invoice_issuer_name),
        )
