"""In-memory ports of the operators' reports: the journal of a `MemoryRepository` and the
sandbox's records in the world's `MemorySandboxStore`s, read as the adapters read them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from payouts.adapters.provider_records import (
    GOODWILL_SUFFIX,
    REFUND_SUFFIX,
    charge_records,
    payout_records,
)
from payouts.adapters.sandbox import SANDBOX
from payouts.domain.ledger import JournalEntry
from payouts.domain.reconciliation import ProviderRecord
from payouts.handlers.reconciliation import Reconciler
from payouts.handlers.reports import OperatorReports, Reports
from stint.kit.clock import Clock

from .fakes import MemoryRepository, MemorySandboxStore
from .world import World


class MemoryJournal:
    def __init__(self, repo: MemoryRepository) -> None:
        self.repo = repo

    async def posted_before(self, end: datetime) -> AsyncIterator[JournalEntry]:
        for entry in list(self.repo.entries.values()):
            if entry.created_at < end:
                yield entry

    async def posted_between(
        self, start: datetime, end: datetime, account: str
    ) -> AsyncIterator[JournalEntry]:
        for entry in list(self.repo.entries.values()):
            touches = any(p.account == account for p in entry.postings)
            if touches and start <= entry.created_at < end:
                yield entry

    async def entries_of(self, source_id: str) -> AsyncIterator[JournalEntry]:
        for entry in list(self.repo.entries.values()):
            if entry.source_id == source_id:
                yield entry


class MemorySettlements:
    provider = SANDBOX

    def __init__(self, charges: MemorySandboxStore, payouts: MemorySandboxStore, clock: Clock):
        self.charges, self.payouts, self.clock = charges, payouts, clock

    async def records_between(
        self, start: datetime, end: datetime
    ) -> AsyncIterator[ProviderRecord]:
        for doc in list(self.charges.records.values()):
            if start <= doc["at"] < end:
                for record in charge_records(doc):
                    yield record
        for doc in list(self.payouts.records.values()):
            if start <= doc["submitted_at"] < end:
                for record in payout_records(doc, self.clock.now()):
                    yield record

    async def records_of(self, source_id: str) -> AsyncIterator[ProviderRecord]:
        for key, doc in list(self.charges.records.items()):
            refunds = (source_id + REFUND_SUFFIX, source_id + GOODWILL_SUFFIX)
            if doc.get("funding_id") == source_id or key in refunds:
                for record in charge_records(doc):
                    yield record
        for doc in list(self.payouts.records.values()):
            if doc["payout_id"] == source_id:
                for record in payout_records(doc, self.clock.now()):
                    yield record


def reports_of(world: World) -> OperatorReports:
    """The reports over the world's journal and sandbox stores."""
    journal = MemoryJournal(world.repo)
    charges, payouts = world.charges._store, world.sandbox._store
    assert isinstance(charges, MemorySandboxStore)
    assert isinstance(payouts, MemorySandboxStore)
    settlements = MemorySettlements(charges, payouts, world.clock)
    reconciler = Reconciler(journal, {SANDBOX: settlements}, world.repo, world.fundings)
    return OperatorReports(Reports(journal), reconciler)
