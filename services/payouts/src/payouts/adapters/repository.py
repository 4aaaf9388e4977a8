"""The only module that touches MongoDB for payouts, accounts, cancellations and the journal.

Payouts and accounts are versioned documents written only through `OutboxCollection` (version
check + write guard; FerretDB loses concurrent updates otherwise); a payout's domain events
become envelopes here (`wire.envelopes`), in the same write as its state. Journal entries and
cancellation markers are immutable: plain inserts with deterministic unique ids, never updated,
so they need no guard and a repeated insert is a harmless duplicate key.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from payouts.adapters import wire
from payouts.adapters.documents import (
    account_fields,
    account_from,
    entry_doc,
    entry_from,
    newest_first,
    payout_fields,
    payout_from,
    split_absent,
)
from payouts.domain.account import PayoutAccount
from payouts.domain.events import PayoutEvent
from payouts.domain.ledger import JournalEntry
from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus
from payouts.handlers.ports import EntryQuery, PayoutQuery
from stint.kit.actor import Cause
from stint.kit.envelope import EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import Collection, IndexSpec, ensure_indexes
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

PAYOUT_INDEXES = [
    IndexSpec([("student_id", 1), ("_id", -1)]),
    IndexSpec([("company_id", 1), ("_id", -1)]),
    IndexSpec([("status", 1), ("_id", -1)]),
    IndexSpec([("student_id", 1), ("paid_at", 1)]),
]
ENTRY_INDEXES = [
    IndexSpec([("payout_id", 1), ("_id", 1)]),
    IndexSpec([("accounts", 1), ("_id", 1)]),
    IndexSpec([("funding_id", 1), ("_id", 1)]),
]


def _payout_id(p: Payout) -> str:
    return p.id


def _entry_id(e: JournalEntry) -> str:
    return e.id


class PayoutRepository:
    def __init__(
        self,
        payouts: OutboxCollection,
        accounts: OutboxCollection,
        cancellations: Collection,
        journal: Collection,
        events: EventFactory,
    ) -> None:
        self.payouts = payouts
        self.accounts = accounts
        self.cancellations = cancellations
        self.journal = journal
        self.events = events

    async def ensure_indexes(self) -> None:
        await self.payouts.ensure_indexes(PAYOUT_INDEXES)
        await self.accounts.ensure_indexes()
        await ensure_indexes(self.journal, ENTRY_INDEXES)

    async def get_payout(self, payout_id: str) -> Payout | None:
        doc = await self.payouts.get(payout_id)
        return payout_from(doc) if doc else None

    async def insert_payout(
        self, payout: Payout, events: Sequence[PayoutEvent], cause: Cause
    ) -> Payout:
        fields, _ = split_absent(payout_fields(payout))
        envelopes = wire.envelopes(self.events, events, cause, 1)
        doc = {"_id": payout.id, **fields}
        await self.payouts.insert(doc, envelopes, applied_event=cause.causation_id)
        return replace(payout, version=1)

    async def update_payout(
        self,
        payout: Payout,
        expected_version: int,
        events: Sequence[PayoutEvent] = (),
        cause: Cause | None = None,
    ) -> Payout:
        changes, unset = split_absent(payout_fields(payout))
        envelopes = wire.envelopes(self.events, events, cause, expected_version + 1)
        version = await self.payouts.update(
            payout.id, expected_version, changes, envelopes, unset=unset
        )
        return replace(payout, version=version)

    async def list_payouts(self, query: PayoutQuery, page: PageRequest) -> Page[Payout]:
        filt = {"student_id": query.student_id, "company_id": query.company_id}
        filt["status"] = query.status.value if query.status else ""
        return await newest_first(self.payouts.collection, filt, page, payout_from, _payout_id)

    async def payouts_of_student(
        self, student_id: str, statuses: set[PayoutStatus]
    ) -> list[Payout]:
        filt = {"student_id": str(student_id), "status": {"$in": sorted(s.value for s in statuses)}}
        return [payout_from(d) async for d in self.payouts.collection.find(filt, sort=[("_id", 1)])]

    async def paid_between(self, student_id: str, start: datetime, end: datetime) -> list[Payout]:
        filt = {
            "student_id": str(student_id),
            "status": PayoutStatus.PAID.value,
            "paid_at": {"$gte": start, "$lt": end},
        }
        return [payout_from(d) async for d in self.payouts.collection.find(filt, sort=[("_id", 1)])]

    async def all_payouts(self) -> AsyncIterator[Payout]:
        async for doc in self.payouts.collection.find({}, sort=[("_id", 1)]):
            yield payout_from(doc)

    async def get_account(self, student_id: str) -> PayoutAccount | None:
        doc = await self.accounts.get(student_id)
        return account_from(doc) if doc else None

    async def save_account(self, account: PayoutAccount) -> PayoutAccount:
        fields = account_fields(account)
        if account.version == 0:
            try:
                await self.accounts.insert({"_id": account.student_id, **fields})
            except AlreadyExists as exc:  # registered concurrently: reload and decide again
                raise ConcurrencyConflict("payout account changed concurrently; retry") from exc
            return replace(account, version=1)
        version = await self.accounts.update(account.student_id, account.version, fields)
        return replace(account, version=version)

    async def mark_engagement_cancelled(self, engagement_id: str, at: datetime) -> None:
        with contextlib.suppress(DuplicateKeyError):  # already recorded
            await self.cancellations.insert_one({"_id": str(engagement_id), "cancelled_at": at})

    async def engagement_cancelled(self, engagement_id: str) -> bool:
        return await self.cancellations.find_one({"_id": str(engagement_id)}) is not None

    async def insert_entry(self, entry: JournalEntry) -> JournalEntry | None:
        try:
            await self.journal.insert_one(entry_doc(entry))
        except DuplicateKeyError:
            stored = await self.journal.find_one({"_id": entry.id})
            if stored is None:  # entries are never deleted
                raise
            return entry_from(stored)
        return None

    async def list_entries(self, query: EntryQuery, page: PageRequest) -> Page[JournalEntry]:
        filt: dict[str, Any] = {}
        if query.payout_id:
            filt["payout_id"] = str(query.payout_id)
        if query.account:
            filt["accounts"] = str(query.account)
        if query.funding_id:
            filt["funding_id"] = str(query.funding_id)
        if page.after:
            filt["_id"] = {"$gt": str(page.after)}
        cursor = self.journal.find(filt, sort=[("_id", 1)], limit=page.limit)
        return Page.of([entry_from(d) async for d in cursor], page, _entry_id)

    async def all_entries(self) -> AsyncIterator[JournalEntry]:
        async for doc in self.journal.find({}, sort=[("_id", 1)]):
            yield entry_from(doc)
