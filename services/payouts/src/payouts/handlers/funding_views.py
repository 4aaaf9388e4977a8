"""Reads of money in: a company's funding method and the fundings of engagements."""

from __future__ import annotations

from dataclasses import replace

from payouts.domain.access import company_of, list_scope
from payouts.domain.funding import Funding, FundingMethod
from payouts.handlers.funding import visible_funding
from payouts.handlers.funding_ports import FundingQuery, FundingStore
from payouts.handlers.funding_writer import FundingNotFound
from stint.kit.actor import Actor
from stint.kit.paging import Page, PageRequest


class MethodNotFound(FundingNotFound):
    """The company has not registered a funding method."""


class FundingViews:
    def __init__(self, store: FundingStore) -> None:
        self.store = store

    async def get_method(self, actor: Actor, company_id: str) -> FundingMethod:
        """GetFundingMethod: the employer's own company's (admins: any company's)."""
        company_id = company_of(actor, company_id)
        method = await self.store.get_method(company_id)
        if method is None:
            raise MethodNotFound("no funding method registered")
        return method

    async def get_funding(self, actor: Actor, funding_id: str) -> Funding:
        """GetFunding: visible to the engagement's company, its student and admins."""
        return visible_funding(actor, await self.store.get_funding(funding_id), funding_id)

    async def list_fundings(
        self, actor: Actor, query: FundingQuery, page: PageRequest
    ) -> Page[Funding]:
        """ListFundings: students see their own, employers their company's, admins any."""
        student_id, company_id = list_scope(actor, query.student_id, query.company_id)
        query = replace(query, student_id=student_id, company_id=company_id)
        return await self.store.list_fundings(query, page)
