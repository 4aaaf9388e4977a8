"""What the funding use cases need: storage of fundings and methods, and a charge provider.

Implemented by `adapters/funding_repository.py` and `adapters/sandbox_charges.py`; unit tests
use in-memory fakes with the same contract (`tests/unit/funding_fakes.py`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from payouts.domain.funding import Funding, FundingEvent, FundingMethod, FundingStatus
from stint.kit.actor import Cause
from stint.kit.money import Money
from stint.kit.paging import Page, PageRequest


@dataclass(frozen=True)
class FundingQuery:
    company_id: str = ""
    student_id: str = ""
    status: FundingStatus | None = None


class FundingStore(Protocol):
    """Fundings (versioned, with their outbox) and the companies' funding methods."""

    async def get_funding(self, funding_id: str) -> Funding | None: ...

    async def insert_funding(
        self, funding: Funding, events: Sequence[FundingEvent], cause: Cause
    ) -> Funding:
        """Store a new funding at version 1; AlreadyExists when the id is taken."""
        ...

    async def update_funding(
        self,
        funding: Funding,
        expected_version: int,
        events: Sequence[FundingEvent] = (),
        cause: Cause | None = None,
    ) -> Funding:
        """Store `funding` and its events if still at `expected_version` (else
        ConcurrencyConflict)."""
        ...

    async def list_fundings(self, query: FundingQuery, page: PageRequest) -> Page[Funding]:
        """Newest first (id descending), after `page.after`."""
        ...

    def fundings_of_company(
        self, company_id: str, status: FundingStatus
    ) -> AsyncIterator[Funding]: ...

    def unpaid_on_terms(self, company_id: str) -> AsyncIterator[Funding]:
        """The company's funded invoice-terms fundings whose invoice is not paid yet."""
        ...

    def all_fundings(self) -> AsyncIterator[Funding]: ...

    async def get_method(self, company_id: str) -> FundingMethod | None: ...

    async def save_method(self, method: FundingMethod) -> FundingMethod:
        """Insert (version 0) or update at `method.version`; returns the stored method."""
        ...


@dataclass(frozen=True)
class ChargeRequest:
    idempotency_key: str
    funding_id: str
    amount: Money
    token: str


@dataclass(frozen=True)
class ChargeResult:
    approved: bool
    reference: str
    decline_code: str = ""
    decline_message: str = ""


class ChargeProvider(Protocol):
    """Charges a company's method at once (approved or declined). A repeated idempotency key
    returns the first answer, whatever else came with it; so does a repeated refund key."""

    name: str

    async def charge(self, request: ChargeRequest) -> ChargeResult: ...

    async def refund(self, refund_key: str, charge_reference: str, amount: Money) -> str:
        """Refund `amount` of a charge (all of it, or the rest after a partial release);
        returns the refund's reference."""
        ...
