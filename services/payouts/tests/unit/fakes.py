"""Test doubles: an in-memory `Repository` with the Mongo adapter's contract (version checks,
duplicate ids, events as envelopes through the service's wire) and an in-memory sandbox store.

Used by unit and property tests, where it lets a test interleave writers deterministically.
What it stores goes through the storage mapping first (`documents`), so an amount MongoDB could
not hold (beyond int64) is refused here too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from payouts.adapters import wire
from payouts.adapters.documents import entry_doc, payout_fields
from payouts.domain.account import PayoutAccount
from payouts.domain.events import PayoutEvent
from payouts.domain.ledger import JournalEntry
from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus
from payouts.handlers.ports import EntryQuery, PayoutQuery
from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.paging import Page, PageRequest
from stint.kit.testing.clock import ManualClock


def event_factory(clock: Clock) -> EventFactory:
    return EventFactory(source="/stint/payouts", topic="stint.payouts.v1", clock=clock)


class MemoryRepository:
    def __init__(self, events: EventFactory | None = None) -> None:
        self.events = events or event_factory(ManualClock(datetime(2026, 3, 1, tzinfo=UTC)))
        self.payouts: dict[str, Payout] = {}
        self.accounts: dict[str, PayoutAccount] = {}
        self.cancelled: set[str] = set()
        self.entries: dict[str, JournalEntry] = {}
        self.published: list[Envelope] = []  # what the relay would publish, in commit order
        self.fail_entry_inserts = 0  # simulate a crash after the state write: next N inserts fail
        # Yield to the event loop at every call, so concurrent handlers interleave like they
        # do against a real database (reads and version-checked writes can race).
        self.interleave = False

    async def _io(self) -> None:
        if self.interleave:
            await asyncio.sleep(0)

    async def get_payout(self, payout_id: str) -> Payout | None:
        await self._io()
        return self.payouts.get(payout_id)

    async def insert_payout(
        self, payout: Payout, events: Sequence[PayoutEvent], cause: Cause
    ) -> Payout:
        await self._io()
        payout_fields(payout)
        envelopes = wire.envelopes(self.events, events, cause, 1)
        if payout.id in self.payouts:
            raise AlreadyExists(f"payouts {payout.id} already exists")
        stored = replace(payout, version=1)
        self.payouts[payout.id] = stored
        self.published.extend(envelopes)
        return stored

    async def update_payout(
        self,
        payout: Payout,
        expected_version: int,
        events: Sequence[PayoutEvent] = (),
        cause: Cause | None = None,
    ) -> Payout:
        await self._io()
        payout_fields(payout)
        envelopes = wire.envelopes(self.events, events, cause, expected_version + 1)
        current = self.payouts.get(payout.id)
        if current is None or current.version != expected_version:
            raise ConcurrencyConflict(f"payouts {payout.id} changed since {expected_version}")
        stored = replace(payout, version=expected_version + 1)
        self.payouts[payout.id] = stored
        self.published.extend(envelopes)
        return stored

    async def list_payouts(self, query: PayoutQuery, page: PageRequest) -> Page[Payout]:
        await self._io()
        found = [
            p
            for p in sorted(self.payouts.values(), key=lambda p: p.id, reverse=True)
            if (not query.student_id or p.student_id == query.student_id)
            and (not query.company_id or p.company_id == query.company_id)
            and (query.status is None or p.status is query.status)
            and (not page.after or p.id < page.after)
        ]
        return Page.of(found[: page.limit], page, lambda p: p.id)

    async def payouts_of_student(
        self, student_id: str, statuses: set[PayoutStatus]
    ) -> list[Payout]:
        await self._io()
        return sorted(
            (
                p
                for p in self.payouts.values()
                if p.student_id == student_id and p.status in statuses
            ),
            key=lambda p: p.id,
        )

    async def paid_between(self, student_id: str, start: datetime, end: datetime) -> list[Payout]:
        await self._io()
        return [
            p
            for p in sorted(self.payouts.values(), key=lambda p: p.id)
            if p.student_id == student_id
            and p.status is PayoutStatus.PAID
            and p.paid_at is not None
            and start <= p.paid_at < end
        ]

    async def all_payouts(self) -> AsyncIterator[Payout]:
        for payout_id in sorted(self.payouts):
            yield self.payouts[payout_id]

    async def get_account(self, student_id: str) -> PayoutAccount | None:
        await self._io()
        return self.accounts.get(student_id)

    async def save_account(self, account: PayoutAccount) -> PayoutAccount:
        await self._io()
        current = self.accounts.get(account.student_id)
        if (current.version if current else 0) != account.version:
            raise ConcurrencyConflict("payout account changed concurrently; retry")
        stored = replace(account, version=account.version + 1)
        self.accounts[account.student_id] = stored
        return stored

    async def mark_engagement_cancelled(self, engagement_id: str, at: datetime) -> None:
        await self._io()
        self.cancelled.add(engagement_id)

    async def engagement_cancelled(self, engagement_id: str) -> bool:
        await self._io()
        return engagement_id in self.cancelled

    async def insert_entry(self, entry: JournalEntry) -> JournalEntry | None:
        await self._io()
        if self.fail_entry_inserts > 0:
            self.fail_entry_inserts -= 1
            raise ConnectionError("simulated crash before the journal insert")
        if entry.id in self.entries:
            return self.entries[entry.id]
        entry_doc(entry)
        self.entries[entry.id] = entry
        return None

    async def list_entries(self, query: EntryQuery, page: PageRequest) -> Page[JournalEntry]:
        await self._io()
        found = [
            e
            for entry_id, e in sorted(self.entries.items())
            if (not query.payout_id or e.payout_id == query.payout_id)
            and (not query.account or any(p.account == query.account for p in e.postings))
            and (not query.funding_id or e.funding_id == query.funding_id)
            and (not page.after or entry_id > page.after)
        ]
        return Page.of(found[: page.limit], page, lambda e: e.id)

    async def all_entries(self) -> AsyncIterator[JournalEntry]:
        for entry_id in sorted(self.entries):
            yield self.entries[entry_id]


class MemorySandboxStore:
    """The sandbox provider's records without a database."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}

    async def insert_or_get(self, record: dict[str, Any]) -> dict[str, Any]:
        return self.records.setdefault(record["_id"], dict(record))

    async def get(self, key: str) -> dict[str, Any] | None:
        return self.records.get(key)
