"""In-memory companies with the real repository's version rules (unit tests only)."""

from __future__ import annotations

from dataclasses import replace

from postings.domain.company import (
    Company,
    CompanyEventKind,
    Profile,
    Verification,
    VerificationDecision,
)
from stint.kit.actor import Cause
from stint.kit.errors import ConcurrencyConflict
from stint.kit.paging import Page, PageRequest


class FakeCompanies:
    def __init__(self) -> None:
        self.docs: dict[str, Company] = {}
        self.events: list[CompanyEventKind] = []

    async def load(self, company_id: str) -> Company | None:
        return self.docs.get(company_id)

    async def save(
        self, before: Company, after: Company, events: list[CompanyEventKind], cause: Cause
    ) -> Company:
        current = self.docs.get(after.id)
        if (current.version if current else 0) != before.version:
            raise ConcurrencyConflict("changed")
        saved = replace(after, version=before.version + 1)
        self.docs[after.id] = saved
        self.events.extend(events)
        return saved

    async def page(self, status: Verification | None, request: PageRequest) -> Page[Company]:
        rows = [c for c in self.docs.values() if status is None or c.verification.status is status]
        return Page(sorted(rows, key=lambda c: c.id))

    def verified(self, company_id: str, name: str = "Acme") -> FakeCompanies:
        """`company_id` saved with a profile and verified (as an admin would)."""
        self.docs[company_id] = Company(
            company_id,
            Profile(display_name=name),
            VerificationDecision(Verification.VERIFIED, "acme.example", decided_by="usr_root"),
            version=2,
        )
        return self
