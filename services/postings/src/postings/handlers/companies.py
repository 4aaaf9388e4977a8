"""Company profiles and verification (over gRPC): load, check who asks
(`domain.company_rules`), let the company decide, save it with its event in one write."""

from __future__ import annotations

from postings import metrics
from postings.domain import company_rules as rules
from postings.domain.company import (
    Company,
    CompanyEventKind,
    Profile,
    Verification,
    VerificationDecision,
)
from postings.handlers.ports import Companies
from stint.kit.actor import Actor, Cause
from stint.kit.clock import Clock
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.paging import Page, page_request


class CompanyCommands:
    def __init__(self, companies: Companies, clock: Clock) -> None:
        self._companies = companies
        self._clock = clock

    async def get(self, company_id: str, actor: Actor) -> Company:
        """GetCompany: the public profile; documents and note for its employers and admins;
        the caller's own unsaved company is a default unverified profile."""
        company_id = rules.checked_id(company_id)
        company = await self._companies.load(company_id)
        return rules.visible_company(actor, company, company_id)

    async def update(
        self, company_id: str, profile: Profile, expected_version: int, cause: Cause
    ) -> Company:
        """UpdateCompany: the whole profile replaced; emits CompanyUpdated (nothing when it
        is the same). Postings pick the new name up on their next save."""
        company_id = rules.checked_id(company_id)
        before = await self._companies.load(company_id)
        rules.require_editor(cause.actor, before, company_id)
        current = self._at(before or Company.default(company_id), expected_version)
        after, events = current.with_profile(rules.checked_profile(profile), self._clock.now())
        if not events:
            return current
        return await self._save(current, after, events, cause)

    async def decide(
        self,
        company_id: str,
        decision: VerificationDecision,
        expected_version: int,
        cause: Cause,
    ) -> Company:
        """SetCompanyVerification (admins): emits CompanyVerified or
        CompanyVerificationRevoked."""
        rules.require_admin(cause.actor, "verify companies")
        company_id = rules.checked_id(company_id)
        checked = rules.checked_decision(decision)
        loaded = await self._companies.load(company_id)
        current = self._at(loaded or Company.default(company_id), expected_version)
        after, events = current.decide(checked, self._clock.now())
        saved = await self._save(current, after, events, cause)
        metrics.COMPANY_VERIFICATIONS.labels(checked.status.value.lower()).inc()
        return saved

    async def list_companies(
        self, status: Verification | None, page_size: int, page_token: str, actor: Actor
    ) -> Page[Company]:
        """ListCompanies (admins): by id, optionally one verification status."""
        rules.require_admin(actor, "list companies")
        return await self._companies.page(status, page_request(page_size, page_token))

    @staticmethod
    def _at(company: Company, expected_version: int) -> Company:
        if expected_version and company.version != expected_version:
            raise ConcurrencyConflict(
                f"company {company.id} is at version {company.version}, not {expected_version}"
            )
        return company

    async def _save(
        self, before: Company, after: Company, events: list[CompanyEventKind], cause: Cause
    ) -> Company:
        try:
            return await self._companies.save(before, after, events, cause)
        except AlreadyExists as exc:  # two first saves raced: the caller retries on ABORTED
            raise ConcurrencyConflict(f"company {before.id} was saved meanwhile") from exc
