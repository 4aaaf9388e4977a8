"""A sponsorship (pure): a university career office or a grant program pays a share of the
engagements it covers, from a budget reserved at hire.

    CreateSponsorship ─> ACTIVE <──> PAUSED      (either) ─> ENDED (final)

`covers` decides whether a hire is in scope (the student's university, companies, postings,
"an organisation's first N projects"); `reserve` takes its share out of the budget once per
engagement (a redelivered hire gets the same claim back), or refuses when the budget cannot
cover it; `settle` records, once the funding ended, what the share paid for (its part of the
released money) and frees the rest. Claims are kept per engagement on the sponsorship, so every
change is one version-checked write of one document.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from payouts.domain.errors import InvalidTransition
from payouts.domain.sponsor_part import SponsorKind, SponsorPart
from payouts.domain.values import shown
from stint.kit.money import Money

SPONSORSHIP_PREFIX = "spn"
SPONSOR_BUDGET_EXHAUSTED = "sponsor_budget_exhausted"


class SponsorshipStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    ENDED = "ENDED"


class BudgetExhausted(Exception):
    """The sponsorship covers the hire but its budget cannot pay its share."""


@dataclass(frozen=True)
class Claim:
    company_id: str
    amount: Money  # reserved at hire
    spent: Money | None = None  # once the funding ended: what the share paid for


@dataclass(frozen=True)
class Scope:
    university_id: str = ""
    company_ids: tuple[str, ...] = ()
    posting_ids: tuple[str, ...] = ()
    first_n_per_company: int = 0


@dataclass(frozen=True)
class Sponsorship:
    id: str
    sponsor_kind: SponsorKind
    sponsor_id: str
    sponsor_name: str
    budget: Money
    share_percent: int  # exactly one of share_percent and share_amount
    share_amount: Money | None
    scope: Scope
    status: SponsorshipStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    claims: Mapping[str, Claim] = field(default_factory=dict)  # engagement id -> claim
    version: int = 0

    @property
    def currency(self) -> str:
        return self.budget.currency

    def _sum(self, amounts: list[int]) -> Money:
        return Money(sum(amounts), self.currency)

    @property
    def reserved(self) -> Money:
        return self._sum([c.amount.amount_minor for c in self.claims.values() if c.spent is None])

    @property
    def spent(self) -> Money:
        return self._sum([c.spent.amount_minor for c in self.claims.values() if c.spent])

    @property
    def remaining(self) -> Money:
        used = self.reserved.amount_minor + self.spent.amount_minor
        return Money(self.budget.amount_minor - used, self.currency)

    def share_of(self, total: Money) -> Money:
        """Its share of an engagement's total: the percent (rounded down) or the fixed amount,
        never more than the total."""
        if self.share_amount is not None:
            return Money(min(self.share_amount.amount_minor, total.amount_minor), total.currency)
        return Money(total.amount_minor * self.share_percent // 100, total.currency)

    def covers(self, company_id: str, university_id: str, posting_id: str, fee: Money) -> bool:
        """Whether a hire is in scope now (its first-N rule counts claims that paid for
        something or are still in progress; one refunded in full does not count)."""
        s = self.scope
        if self.status is not SponsorshipStatus.ACTIVE or fee.currency != self.currency:
            return False
        if s.university_id and s.university_id != university_id:
            return False
        if (s.company_ids and company_id not in s.company_ids) or (
            s.posting_ids and posting_id not in s.posting_ids
        ):
            return False
        if s.first_n_per_company:
            counted = [
                c
                for c in self.claims.values()
                if c.company_id == company_id and (c.spent is None or c.spent.amount_minor > 0)
            ]
            return len(counted) < s.first_n_per_company
        return True

    def part(self, share: Money) -> SponsorPart:
        return SponsorPart(self.id, self.sponsor_kind, self.sponsor_id, self.sponsor_name, share)

    def reserve(
        self, engagement_id: str, company_id: str, total: Money, now: datetime
    ) -> tuple[Sponsorship, SponsorPart]:
        """Its share of `total` reserved for the engagement (the same claim again for a
        redelivery); BudgetExhausted when what is left cannot pay it."""
        if (claim := self.claims.get(engagement_id)) is not None:
            return self, self.part(claim.amount)
        share = self.share_of(total)
        if share.amount_minor > self.remaining.amount_minor:
            raise BudgetExhausted(
                f"the sponsor {self.sponsor_name} covers {shown(share)} of this engagement but "
                f"has {shown(self.remaining)} of its budget left: it can top up its budget, or "
                "the company can pay the whole total (retry without the sponsor)"
            )
        claims = {**self.claims, engagement_id: Claim(company_id, share)}
        return replace(self, claims=claims, updated_at=now), self.part(share)

    def settle(self, engagement_id: str, spent: Money, now: datetime) -> Sponsorship | None:
        """The funding ended: the claim keeps what its share paid for and frees the rest.
        None when there is nothing to change (unknown engagement, settled already)."""
        claim = self.claims.get(engagement_id)
        if claim is None or claim.spent is not None:
            return None
        kept = Money(min(spent.amount_minor, claim.amount.amount_minor), self.currency)
        claims = {**self.claims, engagement_id: replace(claim, spent=kept)}
        return replace(self, claims=claims, updated_at=now)

    def edit(
        self,
        now: datetime,
        *,
        budget: Money | None = None,
        status: SponsorshipStatus | None = None,
        name: str | None = None,
    ) -> Sponsorship:
        """UpdateSponsorship: a budget not below what is reserved and spent, in its currency;
        ACTIVE <-> PAUSED, or ENDED for good."""
        if self.status is SponsorshipStatus.ENDED:
            raise InvalidTransition(f"sponsorship {self.id} has ended")
        new = self
        if budget is not None:
            used = self.reserved.amount_minor + self.spent.amount_minor
            if budget.currency != self.currency or budget.amount_minor < used:
                raise InvalidTransition(
                    f"the budget must be in {self.currency} and at least "
                    f"{shown(Money(used, self.currency))} (reserved and spent already)"
                )
            new = replace(new, budget=budget)
        if status is not None:
            new = replace(new, status=status)
        if name is not None:
            new = replace(new, sponsor_name=name)
        return replace(new, updated_at=now)
