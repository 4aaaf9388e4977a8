"""The company aggregate: the public profile of an employer's organisation and whether the
platform verified it. Pure: no I/O. Its id is the employers' `org` claim (cmp_…).

A company nobody saved yet is `Company.default(id)`: unverified, with an empty profile.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime

from postings.domain.errors import InvalidTransition


class Verification(enum.Enum):
    UNVERIFIED = "UNVERIFIED"
    VERIFIED = "VERIFIED"
    REVOKED = "REVOKED"


class CompanyEventKind(enum.Enum):
    UPDATED = "CompanyUpdated"
    VERIFIED = "CompanyVerified"
    REVOKED = "CompanyVerificationRevoked"


@dataclass(frozen=True)
class Profile:
    display_name: str = ""
    website: str = ""
    logo_url: str = ""
    description: str = ""


@dataclass(frozen=True)
class VerificationDecision:
    status: Verification = Verification.UNVERIFIED
    domain: str = ""
    documents: tuple[str, ...] = ()
    note: str = ""
    decided_at: datetime | None = None
    decided_by: str = ""


@dataclass(frozen=True)
class Company:
    id: str
    profile: Profile = field(default_factory=Profile)
    verification: VerificationDecision = field(default_factory=VerificationDecision)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0  # 0: never saved

    @classmethod
    def default(cls, company_id: str) -> Company:
        return cls(company_id)

    @property
    def verified(self) -> bool:
        return self.verification.status is Verification.VERIFIED

    @property
    def public(self) -> Company:
        """What anyone signed in may see: no verification documents or note."""
        hidden = replace(self.verification, documents=(), note="")
        return replace(self, verification=hidden)

    def with_profile(
        self, profile: Profile, now: datetime
    ) -> tuple[Company, list[CompanyEventKind]]:
        """The profile replaced (CompanyUpdated); the same profile again changes nothing."""
        if profile == self.profile and self.version:
            return self, []
        company = replace(self, profile=profile, updated_at=now, created_at=self.created_at or now)
        return company, [CompanyEventKind.UPDATED]

    def decide(
        self, decision: VerificationDecision, now: datetime
    ) -> tuple[Company, list[CompanyEventKind]]:
        """An admin verifies (CompanyVerified; again to update the evidence) or revokes a
        verification (CompanyVerificationRevoked; only of a verified company)."""
        if decision.status is Verification.REVOKED and not self.verified:
            raise InvalidTransition("only a verified company's verification can be revoked")
        if decision.status is Verification.UNVERIFIED:
            raise InvalidTransition("a verification decision is VERIFIED or REVOKED")
        decided = replace(decision, decided_at=now)
        company = replace(
            self, verification=decided, updated_at=now, created_at=self.created_at or now
        )
        verified = decision.status is Verification.VERIFIED
        return company, [CompanyEventKind.VERIFIED if verified else CompanyEventKind.REVOKED]
