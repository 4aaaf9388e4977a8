"""The journal read for the operators' reports: by posting time (`created_at`, indexed here)
and by source (the repository's `payout_id` and `funding_id` indexes).

Only the fields an entry needs are read. On MongoDB the time ranges use the index; FerretDB
1.24 scans the collection for any range filter (docs/design.md §6), which an operator's report
may afford and a periodic path may not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from payouts.adapters.documents import entry_from
from payouts.domain.ledger import JournalEntry
from stint.kit.mongo import Collection, IndexSpec, ensure_indexes

REPORT_INDEXES = [IndexSpec([("created_at", 1)]), IndexSpec([("accounts", 1), ("created_at", 1)])]
_FIELDS = {"payout_id": 1, "funding_id": 1, "kind": 1, "postings": 1, "created_at": 1}


class JournalQueries:
    def __init__(self, journal: Collection) -> None:
        self.journal = journal

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self.journal, REPORT_INDEXES)

    async def _stream(self, filt: dict[str, Any]) -> AsyncIterator[JournalEntry]:
        async for doc in self.journal.find(filt, projection=_FIELDS):
            yield entry_from(doc)

    def posted_before(self, end: datetime) -> AsyncIterator[JournalEntry]:
        return self._stream({"created_at": {"$lt": end}})

    def posted_between(
        self, start: datetime, end: datetime, account: str
    ) -> AsyncIterator[JournalEntry]:
        return self._stream({"accounts": str(account), "created_at": {"$gte": start, "$lt": end}})

    async def entries_of(self, source_id: str) -> AsyncIterator[JournalEntry]:
        field = "funding_id" if source_id.startswith("fnd_") else "payout_id"
        async for entry in self._stream({field: str(source_id)}):
            yield entry
