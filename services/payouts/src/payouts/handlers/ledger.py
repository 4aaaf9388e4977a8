"""The journal follows the payouts: posting the entries a payout requires, and checking it all.

Crash safety (no multi-document transactions): the payout document is the source of truth.
A transition that needs journal entries sets `ledger_due_at` in the same write that changes the
state and enqueues the event (see `writer.py`); the entries are then posted at once (`post`),
each an immutable insert with a deterministic id, in `ledger.plan` order, and `ledger_due_at`
is cleared at the version whose plan was posted. If the process dies in between, the
ledger-repair timer finds `ledger_due_at` and posts whatever is missing; a duplicate id means
"already posted".

A posting that fails is recorded on the payout (`ledger_error`, in a write of its own) before
the error propagates, so CheckLedger reports entries that could not be posted instead of
counting them as a repair in progress while the repair timer fails forever.
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from payouts import metrics
from payouts.domain import escrow
from payouts.domain.funding import Funding
from payouts.domain.ledger import Balances, JournalEntry, malformed_postings, plan
from payouts.domain.ledger import unbalanced_currencies as unbalanced
from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus
from payouts.handlers.funding_ports import FundingStore
from payouts.handlers.ports import Repository
from stint.kit.clock import Clock
from stint.kit.errors import ConcurrencyConflict

MAX_ERROR = 300
log = logging.getLogger(__name__)


@dataclass
class Ledger:
    repo: Repository
    clock: Clock

    async def post_and_clear(self, stored: Payout) -> Payout:
        """Post the entries `stored` requires, then clear its repair timer at that version (a
        concurrent change keeps the timer, and the repair posts whatever it then requires)."""
        if stored.ledger_due_at is None:
            return stored
        await self.post(stored)
        try:
            return await self.repo.update_payout(stored.ledger_posted(), stored.version)
        except ConcurrencyConflict:
            return stored

    async def post(self, payout: Payout) -> None:
        """Insert every entry the payout requires that is not there yet, in plan order. On a
        failure, record it on the payout (best effort) and re-raise: the repair timer retries."""
        try:
            await insert_planned(self.repo, plan(payout, self.clock.now()))
        except Exception as exc:
            metrics.LEDGER_POST_FAILURES.inc()
            await self._record_failure(payout, f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
            raise

    async def _record_failure(self, payout: Payout, error: str) -> None:
        # Best effort: a lost race means a newer change posts (and records) on its own, and a
        # database that refuses this write too is already loud; the original error is raised.
        with contextlib.suppress(Exception):
            await self.repo.update_payout(payout.ledger_failed(error), payout.version)


async def insert_planned(repo: Repository, entries: list[JournalEntry]) -> None:
    """Insert each planned entry not there yet, in order; one stored with other content is
    logged and counted (an alert), never overwritten."""
    for entry in entries:
        stored = await repo.insert_entry(entry)
        if stored is None:
            metrics.LEDGER_ENTRIES.labels(entry.kind.value).inc()
        elif not stored.same_content(entry):
            metrics.LEDGER_CONFLICTS.inc()
            log.error("journal entry differs from its plan", extra={"entry": entry.id})


@dataclass
class CheckReport:
    entries: int = 0
    payouts: int = 0
    fundings: int = 0
    repairs_pending: int = 0
    violations: list[tuple[str, str, str]] = field(default_factory=list)


async def check(repo: Repository, fundings: FundingStore) -> CheckReport:
    """The ledger invariants over the whole journal (a full scan: an operator tool)."""
    report = CheckReport()
    balances = Balances()
    by_source: dict[str, dict[str, JournalEntry]] = defaultdict(dict)
    async for entry in repo.all_entries():
        report.entries += 1
        for currency in unbalanced(entry):
            report.violations.append(("unbalanced_entry", entry.id, f"{currency} does not balance"))
        if malformed_postings(entry):
            report.violations.append(("unbalanced_entry", entry.id, "malformed posting"))
        balances.add(entry)
        by_source[entry.source_id][entry.id] = entry
    for account, currency, overdrawn in balances.negative_payables():
        report.violations.append(
            ("negative_payable", account, f"overdrawn by {-overdrawn} {currency} minor units")
        )
    for account, currency, net in balances.out_of_range():
        report.violations.append(
            ("balance_out_of_range", account, f"{net} {currency} minor units exceeds int64")
        )
    async for payout in repo.all_payouts():
        report.payouts += 1
        stored = by_source.pop(payout.id, {})
        if payout.blocked_reason:
            _blocked(payout, stored, report)
        else:
            _compare(payout, plan(payout, payout.updated_at), stored, report)
    async for funding in fundings.all_fundings():
        report.fundings += 1
        _compare(
            funding, escrow.plan(funding, funding.updated_at), by_source.pop(funding.id, {}), report
        )
    for source_id, orphans in by_source.items():
        for orphan in orphans:
            report.violations.append(("unexpected_entry", orphan, f"{source_id} missing"))
    return report


def _compare(
    source: Payout | Funding,
    expected_entries: list[JournalEntry],
    stored: dict[str, JournalEntry],
    report: CheckReport,
) -> None:
    """A payout's or funding's stored entries against those its state requires."""
    missing = False
    for expected in expected_entries:
        found = stored.pop(expected.id, None)
        if found is None:
            missing = True
        elif not found.same_content(expected):
            report.violations.append(("entry_mismatch", expected.id, "differs from plan"))
    if missing and source.ledger_error:  # the last attempt failed: not merely in progress
        report.violations.append(("ledger_post_failed", source.id, source.ledger_error))
    elif missing and source.ledger_due_at is not None:
        report.repairs_pending += 1  # the repair timer will post them
    elif missing:
        report.violations.append(("missing_entry", source.id, "required entry not posted"))
    for extra in stored:
        report.violations.append(("unexpected_entry", extra, f"not required by {source.id}"))


def _blocked(payout: Payout, stored: dict[str, JournalEntry], report: CheckReport) -> None:
    """A blocked payout's amount could not be posted: reported until an admin cancels it,
    with any entries posted before it was blocked (stored before the bound existed)."""
    if payout.status is not PayoutStatus.CANCELLED:
        report.violations.append(("amount_out_of_bounds", payout.id, payout.blocked_reason))
    for extra in stored:
        report.violations.append(
            ("unexpected_entry", extra, "posted before the payout was blocked")
        )
