"""ReconcileProvider (admin): a payment provider's records against the ledger.

Every funding or payout with a provider record made in the window, or an entry through the
provider's clearing account posted in it, is reconciled whole (`domain/reconciliation.py`):
all its records against all its entries, both read by indexed equality on its id. So a charge
made just before midnight and its entry posted just after still pair up. A record without an
entry is `pending`, not a finding, while the service is still working on its source (a ledger
repair, a charge repair or a settlement poll is due and no posting failed), as CheckLedger
counts `repairs_pending`. Cost: the window's records and entries, plus two indexed reads per
source (and one more for a source with unposted records); never the whole history on MongoDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from payouts import metrics
from payouts.domain.access import require_admin
from payouts.domain.ledger import clearing
from payouts.domain.reconciliation import (
    MAX_RECONCILE_DAYS,
    RECONCILED,
    Finding,
    ProviderRecord,
    RecordKind,
    missing_in_ledger,
    reconcile_source,
)
from payouts.domain.reports import validate_range
from payouts.domain.values import PayoutStatus
from payouts.handlers.funding_ports import FundingStore
from payouts.handlers.ports import Repository
from payouts.handlers.report_ports import JournalReader, SettlementReport
from stint.kit.actor import Actor
from stint.kit.errors import InvalidArgument


@dataclass
class Reconciliation:
    findings: list[Finding] = field(default_factory=list)
    records: int = 0
    entries: int = 0
    matched: int = 0
    pending: int = 0


@dataclass
class Reconciler:
    journal: JournalReader
    reports: dict[str, SettlementReport]
    repo: Repository
    fundings: FundingStore

    async def reconcile(
        self, actor: Actor, start: datetime | None, end: datetime | None, provider: str = ""
    ) -> Reconciliation:
        """ReconcileProvider (admin): findings and counts for the window [start, end)."""
        require_admin(actor)
        start, end = validate_range(start, end, MAX_RECONCILE_DAYS)
        report = self.reports.get(provider or "sandbox")
        if report is None:
            raise InvalidArgument.of("provider", f"must be one of {sorted(self.reports)}")
        sources = {r.source_id async for r in report.records_between(start, end)}
        async for entry in self.journal.posted_between(start, end, clearing(report.provider)):
            if entry.kind in RECONCILED:
                sources.add(entry.source_id)
        result = Reconciliation()
        for source_id in sorted(sources):
            await self._source(report, source_id, result)
        for finding in result.findings:
            metrics.RECONCILIATION_FINDINGS.labels(finding.kind.value).inc()
        return result

    async def _source(self, report: SettlementReport, source_id: str, out: Reconciliation) -> None:
        records = [r async for r in report.records_of(source_id)]
        entries = [e async for e in self.journal.entries_of(source_id)]
        found = reconcile_source(source_id, records, entries, report.provider)
        out.records += found.records
        out.entries += found.entries
        out.matched += found.matched
        out.findings += found.findings
        if found.unposted and await self._in_progress(source_id, found.unposted):
            out.pending += len(found.unposted)
        else:
            out.findings += [missing_in_ledger(r) for r in found.unposted]

    async def _in_progress(self, source_id: str, unposted: list[ProviderRecord]) -> bool:
        """The service will still post these records' entries: its ledger or charge repair is
        due (and the last posting did not fail), or, for a payout, the poll that observes the
        provider's settlement (PROCESSING) or a late return (the return watch) is due."""
        if source_id.startswith("fnd_"):
            f = await self.fundings.get_funding(source_id)
            return f is not None and not f.ledger_error and bool(f.ledger_due_at or f.charge_due_at)
        p = await self.repo.get_payout(source_id)
        if p is None or p.ledger_error:
            return False
        observing = p.status is PayoutStatus.PROCESSING or all(
            r.kind is RecordKind.RETURN for r in unposted
        )
        return p.ledger_due_at is not None or (p.next_poll_at is not None and observing)
