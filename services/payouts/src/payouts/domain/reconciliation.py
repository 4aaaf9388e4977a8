"""Reconciliation (pure): the payment provider's records of one funding or payout against the
journal entries of it. A difference is a finding, never an error.

Pairs, in order within each kind (records by attempt, entries by their number):
- an approved charge            ↔ the funding's ``escrow_charge``
- a refund                      ↔ the funding's ``escrow_refund``
- a settled (paid) payout       ↔ the payout's ``payment_<n>``
- a payout that came back       ↔ the payout's ``payment_reversal_<n>``
- a goodwill refund             ↔ the funding's ``goodwill_refund``
Only entries through the provider's clearing account take part: invoice-terms entries debit
``invoiced:company:<id>`` and no provider ever saw them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from payouts.domain.ledger import EntryKind, JournalEntry, clearing
from stint.kit.money import Money

MAX_RECONCILE_DAYS = 31


class RecordKind(enum.StrEnum):
    CHARGE = "charge"
    REFUND = "refund"
    PAYOUT = "payout"
    RETURN = "payout_return"
    GOODWILL = "goodwill_refund"


class FindingKind(enum.StrEnum):
    MISSING_IN_LEDGER = "missing_in_ledger"
    MISSING_AT_PROVIDER = "missing_at_provider"
    AMOUNT_MISMATCH = "amount_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"


ENTRY_OF = {
    RecordKind.CHARGE: EntryKind.ESCROW_CHARGE,
    RecordKind.REFUND: EntryKind.ESCROW_REFUND,
    RecordKind.PAYOUT: EntryKind.PAYMENT,
    RecordKind.RETURN: EntryKind.PAYMENT_REVERSAL,
    RecordKind.GOODWILL: EntryKind.GOODWILL_REFUND,
}
RECONCILED = frozenset(ENTRY_OF.values())


@dataclass(frozen=True)
class ProviderRecord:
    """Money the provider says moved: `id` is its record (our idempotency key)."""

    id: str
    kind: RecordKind
    source_id: str  # the funding or payout
    amount: Money
    at: datetime
    sequence: int = 0  # the attempt, for payouts: orders records of one kind


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    source_id: str
    message: str
    record: ProviderRecord | None = None
    entry_id: str = ""
    ledger_amount: Money | None = None


@dataclass
class SourceResult:
    records: int = 0
    entries: int = 0
    matched: int = 0
    findings: list[Finding] = field(default_factory=list)
    unposted: list[ProviderRecord] = field(default_factory=list)  # no entry (yet?)


def through(entry: JournalEntry, provider: str) -> Money | None:
    """What the entry moved through the provider's clearing account, None if nothing."""
    for p in entry.postings:
        if p.account == clearing(provider):
            return Money(p.debit or p.credit, p.currency)
    return None


def _number(entry: JournalEntry) -> int:
    tail = entry.id.rsplit("_", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def reconcile_source(
    source_id: str,
    records: Iterable[ProviderRecord],
    entries: Iterable[JournalEntry],
    provider: str,
) -> SourceResult:
    """Pair the source's records with its entries kind by kind; what is left over on either side
    (and every pair that differs) is a finding, except records without an entry, which are
    `unposted`: the caller knows whether the service is still posting them."""
    result = SourceResult()
    moved = [(e, m) for e in entries if e.kind in RECONCILED and (m := through(e, provider))]
    recs = list(records)
    result.records, result.entries = len(recs), len(moved)
    for kind, entry_kind in ENTRY_OF.items():
        mine = sorted((r for r in recs if r.kind is kind), key=lambda r: (r.sequence, r.id))
        theirs = sorted(
            ((e, m) for e, m in moved if e.kind is entry_kind), key=lambda x: _number(x[0])
        )
        for record, (entry, amount) in zip(mine, theirs, strict=False):
            finding = _compare(source_id, record, entry, amount)
            if finding is None:
                result.matched += 1
            else:
                result.findings.append(finding)
        result.unposted += mine[len(theirs) :]
        for entry, amount in theirs[len(mine) :]:
            result.findings.append(
                Finding(
                    FindingKind.MISSING_AT_PROVIDER,
                    source_id,
                    f"{entry.id} moved {_text(amount)} through {provider}, which has no record",
                    entry_id=entry.id,
                    ledger_amount=amount,
                )
            )
    return result


def missing_in_ledger(record: ProviderRecord) -> Finding:
    entry = ENTRY_OF[record.kind].value
    return Finding(
        FindingKind.MISSING_IN_LEDGER,
        record.source_id,
        f"{record.id}: the provider recorded a {record.kind.value} of {_text(record.amount)} "
        f"and the ledger has no {entry} entry for it",
        record=record,
    )


def _compare(
    source_id: str, record: ProviderRecord, entry: JournalEntry, amount: Money
) -> Finding | None:
    if record.amount == amount:
        return None
    kind = (
        FindingKind.CURRENCY_MISMATCH
        if record.amount.currency != amount.currency
        else FindingKind.AMOUNT_MISMATCH
    )
    message = f"{record.id} says {_text(record.amount)}, {entry.id} says {_text(amount)}"
    return Finding(kind, source_id, message, record, entry.id, amount)


def _text(money: Money) -> str:
    return f"{money.amount_minor} {money.currency} minor units"
