"""The composition root of the payouts service."""

from __future__ import annotations

from datetime import timedelta

from payouts.adapters import invoice_pdf
from payouts.adapters.funding_repository import FundingRepository
from payouts.adapters.invoice_repository import InvoiceRepository
from payouts.adapters.provider_records import SandboxSettlements
from payouts.adapters.report_queries import JournalQueries
from payouts.adapters.repository import PayoutRepository
from payouts.adapters.sandbox import MongoSandboxStore, SandboxProvider
from payouts.adapters.sandbox_charges import SandboxCharges
from payouts.adapters.sponsorship_repository import SponsorshipRepository
from payouts.config import Settings
from payouts.entrypoints.grpc import PayoutsServicer
from payouts.entrypoints.kafka import router
from payouts.entrypoints.timers import timers
from payouts.handlers import Handlers
from payouts.handlers.funding_ports import ChargeProvider
from payouts.handlers.ports import PaymentProvider
from payouts.handlers.reconciliation import Reconciler
from payouts.handlers.reports import OperatorReports, Reports
from stint.contracts import topics
from stint.kit.bootstrap import connect
from stint.kit.clock import Clock
from stint.kit.grpc import grpc_server_for
from stint.kit.runner import ServiceRunner
from stint.payouts.v1.payouts_service_pb2_grpc import add_PayoutsServiceServicer_to_server


async def build(settings: Settings, clock: Clock | None = None) -> ServiceRunner:
    infra = await connect(settings, clock)
    payouts = infra.aggregate("payouts")
    # Journal entries, cancellation markers and sandbox records are immutable inserts with
    # deterministic ids (never updated): plain collections, no version, no guard needed.
    repo = PayoutRepository(
        payouts,
        infra.versioned("payout_accounts"),
        infra.db["cancelled_engagements"],
        infra.db["journal_entries"],
        infra.events(topics.PAYOUTS),
    )
    await repo.ensure_indexes()
    fundings = infra.aggregate("fundings")
    funding_repo = FundingRepository(
        fundings, infra.versioned("funding_methods"), infra.events(topics.PAYOUTS)
    )
    await funding_repo.ensure_indexes()
    # Number claims are immutable inserts keyed by the number: a plain collection.
    invoices = InvoiceRepository(
        infra.aggregate("invoices"), infra.db["invoice_numbers"], infra.events(topics.PAYOUTS)
    )
    await invoices.ensure_indexes()
    sponsorships = SponsorshipRepository(infra.versioned("sponsorships"))
    await sponsorships.ensure_indexes()
    sandbox = SandboxProvider(
        MongoSandboxStore(infra.db["sandbox_provider_payouts"]),
        infra.clock,
        settle_seconds=settings.sandbox_settle_seconds,
        return_seconds=settings.sandbox_return_seconds,
    )
    providers: dict[str, PaymentProvider] = {sandbox.name: sandbox}
    if settings.default_provider not in providers:
        raise ValueError(f"STINT_DEFAULT_PROVIDER must be one of {sorted(providers)}")
    charges = SandboxCharges(MongoSandboxStore(infra.db["sandbox_provider_charges"]), infra.clock)
    chargers: dict[str, ChargeProvider] = {charges.name: charges}
    handlers = Handlers.build(
        repo,
        infra.clock,
        settings.policy(),
        providers,
        funding_repo,
        chargers,
        invoices,
        invoice_pdf.document,
        sponsorships,
    )
    journal = JournalQueries(infra.db["journal_entries"])
    await journal.ensure_indexes()
    settlements = SandboxSettlements(
        infra.db["sandbox_provider_charges"], infra.db["sandbox_provider_payouts"], infra.clock
    )
    await settlements.ensure_indexes()
    reconciler = Reconciler(journal, {settlements.provider: settlements}, repo, funding_repo)
    reports = OperatorReports(Reports(journal), reconciler)
    infra.consume(router(settings, handlers.settlements, handlers.funding))

    lease = timedelta(seconds=settings.timer_lease_seconds)
    timer_worker = infra.timers(
        timers(handlers.processing, payouts, handlers.funding, fundings, lease)
    )
    server = grpc_server_for(
        settings,
        [
            (
                add_PayoutsServiceServicer_to_server,
                PayoutsServicer(handlers, reports),
                "stint.payouts.v1.PayoutsService",
            )
        ],
    )
    return infra.runner(server, timer_worker)
