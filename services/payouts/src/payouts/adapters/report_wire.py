"""The operators' reports on the wire: totals rows, balances and reconciliation findings.

Sums are Python ints and checked against int64 before they are sent (a clear
FAILED_PRECONDITION naming the column, not a serializer crash).
"""

from __future__ import annotations

from payouts.domain.reconciliation import Finding
from payouts.domain.reports import ClosingBalances, Granularity, PeriodTotals
from payouts.handlers.reconciliation import Reconciliation
from payouts.handlers.reports import TotalsReport
from stint.kit.money import checked_int64
from stint.kit.wire import timestamp
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.payouts.v1 import reports_pb2 as pb

_GRANULARITY: dict[int, Granularity] = {
    pb.TOTALS_GRANULARITY_DAY: Granularity.DAY,
    pb.TOTALS_GRANULARITY_WEEK: Granularity.WEEK,
    pb.TOTALS_GRANULARITY_MONTH: Granularity.MONTH,
}
_ROW_COLUMNS = (
    "escrow_charged",
    "escrow_released",
    "escrow_refunded",
    "revenue",
    "paid_out",
    "returned",
    "invoice_payments",
)
_BALANCE_COLUMNS = ("escrow_held", "owed_to_interns", "invoiced_unpaid")


def granularity_from_pb(value: int) -> Granularity:
    """Unset: months (an undefined value is refused by validation first)."""
    return _GRANULARITY.get(value, Granularity.MONTH)


def _minor(value: int, currency: str, what: str) -> int:
    return checked_int64(value, f"{currency} {what.replace('_', ' ')}")


def row_to_pb(row: PeriodTotals) -> pb.MoneyTotalsRow:
    columns = {f"{c}_minor": _minor(getattr(row, c), row.currency, c) for c in _ROW_COLUMNS}
    return pb.MoneyTotalsRow(
        period_start=timestamp(row.start),
        period_end=timestamp(row.end),
        currency=row.currency,
        entries=row.entries,
        **columns,
    )


def balances_to_pb(b: ClosingBalances) -> pb.MoneyBalances:
    columns = {f"{c}_minor": _minor(getattr(b, c), b.currency, c) for c in _BALANCE_COLUMNS}
    return pb.MoneyBalances(currency=b.currency, **columns)


def totals_to_pb(report: TotalsReport) -> svc.GetMoneyTotalsResponse:
    return svc.GetMoneyTotalsResponse(
        rows=[row_to_pb(r) for r in report.rows],
        closing_balances=[balances_to_pb(b) for b in report.balances],
        entries_read=report.entries_read,
    )


def finding_to_pb(f: Finding) -> pb.ReconciliationFinding:
    message = pb.ReconciliationFinding(
        kind=f.kind.value, source_id=f.source_id, entry_id=f.entry_id, message=f.message
    )
    if f.record is not None:
        message.provider_record_id = f.record.id
        message.provider_amount_minor = f.record.amount.amount_minor
        message.provider_currency = f.record.amount.currency
    if f.ledger_amount is not None:
        message.ledger_amount_minor = f.ledger_amount.amount_minor
        message.ledger_currency = f.ledger_amount.currency
    return message


def reconciliation_to_pb(r: Reconciliation) -> svc.ReconcileProviderResponse:
    return svc.ReconcileProviderResponse(
        ok=not r.findings,
        findings=[finding_to_pb(f) for f in r.findings],
        provider_records_checked=r.records,
        entries_checked=r.entries,
        matched=r.matched,
        pending=r.pending,
    )
