"""Reads: payouts, accounts, earnings statements, the journal and the ledger check."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from payouts.domain.access import list_scope, require_admin, require_student_or_admin, visible
from payouts.domain.account import PayoutAccount
from payouts.domain.commands import validate_year
from payouts.domain.errors import AccountNotFound
from payouts.domain.ledger import JournalEntry
from payouts.domain.model import Payout
from payouts.domain.policy import Policy
from payouts.handlers.funding_ports import FundingStore
from payouts.handlers.ledger import CheckReport, check
from payouts.handlers.ports import EntryQuery, PayoutQuery, Repository
from stint.kit.actor import Actor
from stint.kit.clock import Clock
from stint.kit.money import Money, checked_int64
from stint.kit.paging import Page, PageRequest


@dataclass(frozen=True)
class Statement:
    student_id: str
    year: int
    totals: list[Money]
    count: int
    by_company: list[tuple[str, Money, int]]
    threshold_reached: bool
    threshold: Money
    threshold_year: int  # the threshold table's entry that applied


class Views:
    def __init__(
        self, repo: Repository, fundings: FundingStore, policy: Policy, clock: Clock
    ) -> None:
        self.repo = repo
        self.fundings = fundings
        self.policy = policy
        self.clock = clock

    async def get_payout(self, actor: Actor, payout_id: str) -> Payout:
        """GetPayout: the payout, if the actor is its student, its company or an admin."""
        return visible(actor, await self.repo.get_payout(payout_id), payout_id)

    async def list_payouts(
        self, actor: Actor, query: PayoutQuery, page: PageRequest
    ) -> Page[Payout]:
        """ListPayouts: students see their own, employers their company's, admins any."""
        student_id, company_id = list_scope(actor, query.student_id, query.company_id)
        query = replace(query, student_id=student_id, company_id=company_id)
        return await self.repo.list_payouts(query, page)

    async def get_account(self, actor: Actor, student_id: str) -> PayoutAccount:
        """GetPayoutAccount: the student's own account (admins: anyone's)."""
        student_id = require_student_or_admin(actor, student_id)
        account = await self.repo.get_account(student_id)
        if account is None:
            raise AccountNotFound("no payout account registered")
        return account

    async def earnings(self, actor: Actor, student_id: str, year: int) -> Statement:
        """GetEarningsStatement: payouts PAID within the UTC calendar year, by paid time.

        Totals are summed as Python ints and checked against int64 before they are sent: a
        total beyond it is a clear FAILED_PRECONDITION naming it, not a serializer crash."""
        student_id = require_student_or_admin(actor, student_id)
        year = year or self.clock.now().year  # unset: the current UTC year
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
        amount, since = self.policy.tax_form_threshold(year)
        threshold = Money(amount, self.policy.tax_form_currency)
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
            since,
        )

    async def list_entries(
        self, actor: Actor, query: EntryQuery, page: PageRequest
    ) -> Page[JournalEntry]:
        """ListLedgerEntries (admin)."""
        require_admin(actor)
        return await self.repo.list_entries(query, page)

    async def check_ledger(self, actor: Actor) -> CheckReport:
        """CheckLedger (admin): every entry balances, no student payable is negative, and
        each payout's and funding's entries are exactly those its state requires."""
        require_admin(actor)
        return await check(self.repo, self.fundings)


def _total(amount_minor: int, currency: str, what: str) -> Money:
    return Money(checked_int64(amount_minor, f"{currency} {what}"), currency)
