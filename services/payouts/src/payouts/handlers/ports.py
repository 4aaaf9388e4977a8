"""What the handlers need from the outside world: storage and payment providers.

The adapters (`adapters/repository.py`, `adapters/sandbox.py`) implement these for production;
unit and property tests use in-memory fakes with the same contract (`tests/unit/fakes.py`).
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from payouts.domain.account import PayoutAccount
from payouts.domain.events import PayoutEvent
from payouts.domain.ledger import JournalEntry
from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus
from stint.kit.actor import Cause
from stint.kit.money import Money
from stint.kit.paging import Page, PageRequest


@dataclass(frozen=True)
class PayoutQuery:
    student_id: str = ""
    company_id: str = ""
    status: PayoutStatus | None = None


@dataclass(frozen=True)
class EntryQuery:
    payout_id: str = ""
    account: str = ""
    funding_id: str = ""


class Repository(Protocol):
    """Payouts (versioned, with their outbox), accounts, cancellations and the journal."""

    async def get_payout(self, payout_id: str) -> Payout | None: ...

    async def insert_payout(
        self, payout: Payout, events: Sequence[PayoutEvent], cause: Cause
    ) -> Payout:
        """Store a new payout at version 1 with its events (the repository makes them
        envelopes, each snapshot at the version written), remembering `cause.causation_id`
        as applied; raises AlreadyExists when the id is taken (a redelivery)."""
        ...

    async def update_payout(
        self,
        payout: Payout,
        expected_version: int,
        events: Sequence[PayoutEvent] = (),
        cause: Cause | None = None,
    ) -> Payout:
        """Store `payout` and its events if still at `expected_version` (else
        ConcurrencyConflict); `cause` becomes the events' context."""
        ...

    async def list_payouts(self, query: PayoutQuery, page: PageRequest) -> Page[Payout]:
        """Newest first (id descending), after `page.after`; reads `page.limit` rows."""
        ...

    async def payouts_of_student(
        self, student_id: str, statuses: set[PayoutStatus]
    ) -> list[Payout]: ...

    async def paid_between(
        self, student_id: str, start: datetime, end: datetime
    ) -> list[Payout]: ...

    def all_payouts(self) -> AsyncIterator[Payout]: ...

    async def get_account(self, student_id: str) -> PayoutAccount | None: ...

    async def save_account(self, account: PayoutAccount) -> PayoutAccount:
        """Insert (version 0) or update at `account.version`; returns the stored account."""
        ...

    async def mark_engagement_cancelled(self, engagement_id: str, at: datetime) -> None: ...

    async def engagement_cancelled(self, engagement_id: str) -> bool: ...

    async def insert_entry(self, entry: JournalEntry) -> JournalEntry | None:
        """Insert; on a duplicate id return the stored entry instead (None = inserted)."""
        ...

    async def list_entries(self, query: EntryQuery, page: PageRequest) -> Page[JournalEntry]:
        """In id order, after `page.after`; reads `page.limit` rows."""
        ...

    def all_entries(self) -> AsyncIterator[JournalEntry]: ...


class ProviderStatus(enum.StrEnum):
    PROCESSING = "PROCESSING"
    PAID = "PAID"
    FAILED = "FAILED"


@dataclass(frozen=True)
class PayoutRequest:
    idempotency_key: str
    payout_id: str
    attempt: int
    amount: Money
    destination_token: str


@dataclass(frozen=True)
class ProviderResult:
    status: ProviderStatus
    reference: str
    failure_code: str = ""
    failure_message: str = ""
    retryable: bool = False


class PaymentProvider(Protocol):
    """A payment provider. Calls with the same idempotency key return the first result (as it
    has progressed since: a PROCESSING payout may have settled or failed)."""

    name: str

    async def submit(self, request: PayoutRequest) -> ProviderResult: ...

    async def status(self, idempotency_key: str) -> ProviderResult | None:
        """The payout's current state at the provider; None if the key was never submitted."""
        ...
