"""Use cases, one module per area: the payout itself (`payouts`), payout accounts
(`accounts`), timer-driven sending and settlement (`processing`), the journal (`ledger`) and
the reads (`views`); money in: fundings at hire (`funding`, `charging`, `funding_views`).
`writer` / `funding_writer` store a change with its events, `ports` / `funding_ports` are what
they need."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from payouts.domain.funding import Funding
from payouts.domain.funding_method import INVOICE_PROVIDER
from payouts.domain.policy import Policy
from payouts.handlers.accounts import AccountHandlers
from payouts.handlers.funding import FundingHandlers
from payouts.handlers.funding_ports import ChargeProvider, FundingStore
from payouts.handlers.funding_views import FundingViews
from payouts.handlers.funding_writer import FundingWriter
from payouts.handlers.goodwill_refunds import GoodwillRefunds
from payouts.handlers.invoice_payments import InvoicePayments
from payouts.handlers.invoice_ports import InvoiceStore
from payouts.handlers.invoice_terms import InvoiceTerms
from payouts.handlers.invoice_views import InvoiceViews, Renderer
from payouts.handlers.invoicing import Invoicing
from payouts.handlers.ledger import CheckReport, check
from payouts.handlers.payouts import PayoutHandlers
from payouts.handlers.ports import PaymentProvider, Repository
from payouts.handlers.processing import Processor
from payouts.handlers.settlement import Settlements
from payouts.handlers.sponsoring import Sponsoring
from payouts.handlers.sponsorship_ports import SponsorshipStore
from payouts.handlers.sponsorships import Sponsorships
from payouts.handlers.views import Statement, Views
from payouts.handlers.writer import PayoutWriter
from stint.kit.actor import Cause
from stint.kit.clock import Clock

__all__ = [
    "AccountHandlers",
    "CheckReport",
    "FundingHandlers",
    "FundingViews",
    "Handlers",
    "InvoiceViews",
    "PayoutHandlers",
    "Processor",
    "Settlements",
    "Statement",
    "Views",
    "check",
]


@dataclass(frozen=True)
class Handlers:
    """Every use case of the service, wired to one repository, clock and policy."""

    payouts: PayoutHandlers
    accounts: AccountHandlers
    processing: Processor
    views: Views
    funding: FundingHandlers
    funding_views: FundingViews
    invoices: InvoiceViews
    settlements: Settlements
    invoice_payments: InvoicePayments
    sponsorships: Sponsorships
    goodwill: GoodwillRefunds

    @classmethod
    def build(
        cls,
        repo: Repository,
        clock: Clock,
        policy: Policy,
        providers: Mapping[str, PaymentProvider],
        fundings: FundingStore,
        chargers: Mapping[str, ChargeProvider],
        invoices: InvoiceStore,
        render: Renderer,
        sponsorships: SponsorshipStore,
    ) -> Handlers:
        writer = PayoutWriter(repo, clock, policy.ledger_repair_delay)
        invoicing = Invoicing(invoices, policy.invoice_issuer)
        sponsoring = Sponsoring(sponsorships, clock)

        async def follow(f: Funding, cause: Cause) -> None:  # after each posting, and repairs
            await invoicing.follow(f, cause)
            await sponsoring.follow(f, cause)

        funding_writer = FundingWriter(fundings, repo, clock, policy.ledger_repair_delay, follow)
        payouts = PayoutHandlers(writer, policy)
        # Invoice terms are asked like any charge provider (no money moves at hire).
        chargers = {**chargers, INVOICE_PROVIDER: InvoiceTerms(fundings)}
        funding = FundingHandlers(funding_writer, repo, policy, chargers, sponsoring)
        return cls(
            payouts,
            AccountHandlers(writer, policy, set(providers)),
            Processor(writer, policy, providers),
            Views(repo, fundings, policy, clock),
            funding,
            FundingViews(fundings),
            InvoiceViews(invoices, render),
            Settlements(payouts, funding),
            InvoicePayments(funding_writer, invoices),
            Sponsorships(sponsorships, clock),
            GoodwillRefunds(funding_writer, chargers),
        )
