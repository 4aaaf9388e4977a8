"""What the operators' reports read: the journal by posting time and by source, and a payment
provider's own records (its settlement report).

Implemented by `adapters/report_queries.py` (the journal) and `adapters/provider_records.py`
(the sandbox's two collections); a real provider's settlement report would be one more
`SettlementReport`. Unit tests use `tests/unit/report_fakes.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol

from payouts.domain.ledger import JournalEntry
from payouts.domain.reconciliation import ProviderRecord


class JournalReader(Protocol):
    def posted_before(self, end: datetime) -> AsyncIterator[JournalEntry]:
        """Every entry posted before `end`, in no particular order (streamed)."""
        ...

    def posted_between(
        self, start: datetime, end: datetime, account: str
    ) -> AsyncIterator[JournalEntry]:
        """Entries posted in [start, end) with a posting to `account`."""
        ...

    def entries_of(self, source_id: str) -> AsyncIterator[JournalEntry]:
        """Every entry of one payout or funding."""
        ...


class SettlementReport(Protocol):
    """A provider's records of money it moved (charges, refunds, payouts, returns)."""

    provider: str

    def records_between(self, start: datetime, end: datetime) -> AsyncIterator[ProviderRecord]:
        """Records the provider made in [start, end)."""
        ...

    def records_of(self, source_id: str) -> AsyncIterator[ProviderRecord]:
        """Every record of one funding or payout."""
        ...
