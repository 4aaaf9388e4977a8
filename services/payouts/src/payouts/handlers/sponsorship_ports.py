"""What the sponsorship use cases need: the sponsorships, version-checked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from payouts.domain.sponsorship import Sponsorship, SponsorshipStatus
from stint.kit.paging import Page, PageRequest


@dataclass(frozen=True)
class SponsorshipQuery:
    sponsor_id: str = ""
    status: SponsorshipStatus | None = None


class SponsorshipStore(Protocol):
    async def get_sponsorship(self, sponsorship_id: str) -> Sponsorship | None: ...

    async def insert_sponsorship(self, s: Sponsorship) -> Sponsorship:
        """Store a new sponsorship at version 1."""
        ...

    async def update_sponsorship(self, s: Sponsorship, expected_version: int) -> Sponsorship:
        """Store `s` if still at `expected_version` (else ConcurrencyConflict)."""
        ...

    async def list_sponsorships(
        self, query: SponsorshipQuery, page: PageRequest
    ) -> Page[Sponsorship]:
        """Newest first (id descending), after `page.after`."""
        ...

    def active_sponsorships(self, currency: str) -> AsyncIterator[Sponsorship]:
        """The ACTIVE ones in `currency`, oldest first (the order they are offered in)."""
        ...
