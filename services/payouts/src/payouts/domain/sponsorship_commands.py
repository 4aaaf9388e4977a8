"""CreateSponsorship as plain data, its validation, and the new sponsorship (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from payouts.domain.commands import id_violations, money_violations, raise_if
from payouts.domain.sponsor_part import SponsorKind
from payouts.domain.sponsorship import Scope, Sponsorship, SponsorshipStatus
from stint.kit.errors import FieldViolation
from stint.kit.money import Money

MAX_NAME = 200


@dataclass(frozen=True)
class CreateSponsorship:
    sponsor_kind: str  # a SponsorKind value, or "" when the caller sent none
    sponsor_id: str
    sponsor_name: str
    budget: Money
    share_percent: int
    share_amount: Money | None
    scope: Scope

    def validate(self) -> None:
        v = id_violations("sponsor_id", self.sponsor_id)
        if self.sponsor_kind not in {k.value for k in SponsorKind}:
            v.append(FieldViolation("sponsor_kind", "must be UNIVERSITY or GRANT_PROGRAM"))
        if not self.sponsor_name.strip() or len(self.sponsor_name) > MAX_NAME:
            v.append(FieldViolation("sponsor_name", f"is required, at most {MAX_NAME} characters"))
        v += money_violations("budget", self.budget)
        if (self.share_percent > 0) == (self.share_amount is not None):
            v.append(
                FieldViolation("share_percent", "set exactly one of share_percent and share_amount")
            )
        if not 0 <= self.share_percent <= 100:
            v.append(FieldViolation("share_percent", "must be 1 to 100"))
        if self.share_amount is not None:
            v += money_violations("share_amount", self.share_amount)
            if self.share_amount.currency != self.budget.currency:
                v.append(FieldViolation("share_amount.currency", "must be the budget's currency"))
        s = self.scope
        v += id_violations("university_id", s.university_id, required=False)
        for name, ids in (("company_ids", s.company_ids), ("posting_ids", s.posting_ids)):
            for i, value in enumerate(ids):
                v += id_violations(f"{name}[{i}]", value)
        if not 0 <= s.first_n_per_company <= 1000:
            v.append(FieldViolation("first_n_per_company", "must be 0 to 1000"))
        raise_if(v)

    def sponsorship(self, sponsorship_id: str, created_by: str, now: datetime) -> Sponsorship:
        kind = SponsorKind(self.sponsor_kind)
        scope = self.scope
        if kind is SponsorKind.UNIVERSITY and not scope.university_id:
            # A career office sponsors its own students unless it says otherwise.
            scope = Scope(
                self.sponsor_id, scope.company_ids, scope.posting_ids, scope.first_n_per_company
            )
        return Sponsorship(
            id=sponsorship_id,
            sponsor_kind=kind,
            sponsor_id=self.sponsor_id,
            sponsor_name=self.sponsor_name.strip(),
            budget=self.budget,
            share_percent=self.share_percent,
            share_amount=self.share_amount,
            scope=scope,
            status=SponsorshipStatus.ACTIVE,
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
