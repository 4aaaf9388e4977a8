"""Reads: payouts, accounts, earnings statements, the journal and the ledger check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from payouts.authz import require_admin, require_known, require_student_or_admin, visible
from payouts.domain.commands import validate_year
from payouts.domain.errors import AccountNotFound
from payouts.domain.ledger import Balances, JournalEntry, malformed_postings, plan
from payouts.domain.ledger import unbalanced_currencies as unbalanced
from payouts.domain.model import Money, Payout, PayoutAccount, PayoutStatus
from payouts.domain.policy import Policy
from payouts.ports import EntryQuery, PayoutQuery, Repository
from stint.kit.errors import PermissionDenied
from stint.kit.grpc import Caller
from stint.kit.money import checked_int64


@dataclass(frozen=True)
class Statement:
    student_id: str
    year: int
    totals: list[Money]
    count: int
    by_company: list[tuple[str, Money, int]]
    threshold_reached: bool
    threshold: Money


@dataclass
class CheckReport:
    entries: int = 0
    payouts: int = 0
    repairs_pending: int = 0
    violations: list[tuple[str, str, str]] = field(default_factory=list)


class Queries:
    def __init__(self, repo: Repository, policy: Policy) -> None:
        self.repo = repo
        self.policy = policy

    async def get_payout(self, caller: Caller, payout_id: str) -> Payout:
        """GetPayout: the payout, if the caller is its student, its company or an admin."""
        return visible(caller, await self.repo.get_payout(payout_id), payout_id)

    async def list_payouts(
        self, caller: Caller, query: PayoutQuery, limit: int, after: str
    ) -> list[Payout]:
        """ListPayouts: students see their own, employers their company's, admins any."""
        require_known(caller)
        if not caller.is_admin:
            if query.student_id or query.company_id:
                raise PermissionDenied("only admins may filter by student or company")
            if caller.role == "student":
                query = PayoutQuery(student_id=caller.subject, status=query.status)
            elif caller.role == "employer" and caller.org:
                query = PayoutQuery(company_id=caller.org, status=query.status)
            else:
                raise PermissionDenied("no payouts to show for this role")
        return await self.repo.list_payouts(query, limit, after)

    async def get_account(self, caller: Caller, student_id: str) -> PayoutAccount:
        """GetPayoutAccount: the student's own account (admins: anyone's)."""
        student_id = require_student_or_admin(caller, student_id)
        account = await self.repo.get_account(student_id)
        if account is None:
            raise AccountNotFound("no payout account registered")
        return account

    async def earnings(self, caller: Caller, student_id: str, year: int) -> Statement:
        """GetEarningsStatement: payouts PAID within the UTC calendar year, by paid time.

        Totals are summed as Python ints and checked against int64 before they are sent: a
        total beyond it is a clear FAILED_PRECONDITION naming it, not a serializer crash."""
        student_id = require_student_or_admin(caller, student_id)
        validate_year(year)
        start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
        paid = await self.repo.paid_between(student_id, start, end)
        totals: dict[str, int] = defaultdict(int)
        companies: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for p in paid:
            totals[p.amount.currency] += p.amount.amount_minor
            company = companies[(p.company_id, p.amount.currency)]
            company[0] += p.amount.amount_minor
            company[1] += 1
        threshold = Money(self.policy.tax_form_threshold_minor, self.policy.tax_form_currency)
        return Statement(
            student_id,
            year,
            [_total(v, c, "earnings total") for c, v in sorted(totals.items())],
            len(paid),
            [
                (co, _total(v, cur, f"earnings total from {co}"), n)
                for (co, cur), (v, n) in sorted(companies.items())
            ],
            totals.get(threshold.currency, 0) >= threshold.amount_minor,
            threshold,
        )

    async def list_entries(
        self, caller: Caller, query: EntryQuery, limit: int, after: str
    ) -> list[JournalEntry]:
        """ListLedgerEntries (admin)."""
        require_admin(caller)
        return await self.repo.list_entries(query, limit, after)

    async def check_ledger(self, caller: Caller) -> CheckReport:
        """CheckLedger (admin): every entry balances, no student payable is negative, and
        each payout's entries are exactly those its state requires."""
        require_admin(caller)
        return await check(self.repo)


def _total(amount_minor: int, currency: str, what: str) -> Money:
    return Money(checked_int64(amount_minor, f"{currency} {what}"), currency)


async def check(repo: Repository) -> CheckReport:
    """The ledger invariants over the whole journal (a full scan: an operator tool)."""
    report = CheckReport()
    balances = Balances()
    by_payout: dict[str, dict[str, JournalEntry]] = defaultdict(dict)
    async for entry in repo.all_entries():
        report.entries += 1
        for currency in unbalanced(entry):
            report.violations.append(("unbalanced_entry", entry.id, f"{currency} does not balance"))
        if malformed_postings(entry):
            report.violations.append(("unbalanced_entry", entry.id, "malformed posting"))
        balances.add(entry)
        by_payout[entry.payout_id][entry.id] = entry
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
        _compare(payout, by_payout.pop(payout.id, {}), report)
    for payout_id, orphans in by_payout.items():
        for orphan in orphans:
            report.violations.append(("unexpected_entry", orphan, f"payout {payout_id} missing"))
    return report


def _compare(payout: Payout, stored: dict[str, JournalEntry], report: CheckReport) -> None:
    """The payout's stored entries against those its state requires."""
    if payout.blocked_reason:
        _blocked(payout, stored, report)
        return
    missing = False
    for expected in plan(payout, payout.updated_at):
        found = stored.pop(expected.id, None)
        if found is None:
            missing = True
        elif not found.same_content(expected):
            report.violations.append(("entry_mismatch", expected.id, "differs from plan"))
    if missing and payout.ledger_error:  # the last attempt failed: not merely in progress
        report.violations.append(("ledger_post_failed", payout.id, payout.ledger_error))
    elif missing and payout.ledger_due_at is not None:
        report.repairs_pending += 1  # the repair timer will post them
    elif missing:
        report.violations.append(("missing_entry", payout.id, "required entry not posted"))
    for extra in stored:
        report.violations.append(("unexpected_entry", extra, "not required by the payout"))


def _blocked(payout: Payout, stored: dict[str, JournalEntry], report: CheckReport) -> None:
    """A blocked payout's amount could not be posted: reported until an admin cancels it,
    with any entries posted before it was blocked (stored before the bound existed)."""
    if payout.status is not PayoutStatus.CANCELLED:
        report.violations.append(("amount_out_of_bounds", payout.id, payout.blocked_reason))
    for extra in stored:
        report.violations.append(
            ("unexpected_entry", extra, "posted before the payout was blocked")
        )
