"""An in-memory SponsorshipStore with the repository's version checks (pure-logic tests)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

from payouts.domain.sponsorship import Sponsorship, SponsorshipStatus
from payouts.handlers.sponsorship_ports import SponsorshipQuery
from stint.kit.errors import ConcurrencyConflict
from stint.kit.paging import Page, PageRequest


class MemorySponsorships:
    def __init__(self) -> None:
        self.sponsorships: dict[str, Sponsorship] = {}

    async def get_sponsorship(self, sponsorship_id: str) -> Sponsorship | None:
        return self.sponsorships.get(sponsorship_id)

    async def insert_sponsorship(self, s: Sponsorship) -> Sponsorship:
        if s.id in self.sponsorships:
            raise ConcurrencyConflict(f"sponsorship {s.id} exists")
        stored = replace(s, version=1)
        self.sponsorships[s.id] = stored
        return stored

    async def update_sponsorship(self, s: Sponsorship, expected_version: int) -> Sponsorship:
        current = self.sponsorships.get(s.id)
        if current is None or current.version != expected_version:
            raise ConcurrencyConflict(f"sponsorship {s.id} changed")
        stored = replace(s, version=expected_version + 1)
        self.sponsorships[s.id] = stored
        return stored

    async def list_sponsorships(
        self, query: SponsorshipQuery, page: PageRequest
    ) -> Page[Sponsorship]:
        rows = [
            s
            for s in sorted(self.sponsorships.values(), key=lambda s: s.id, reverse=True)
            if (not query.sponsor_id or s.sponsor_id == query.sponsor_id)
            and (query.status is None or s.status is query.status)
            and (not page.after or s.id < page.after)
        ]
        return Page.of(rows[: page.limit], page, lambda s: s.id)

    async def active_sponsorships(self, currency: str) -> AsyncIterator[Sponsorship]:
        for s in sorted(self.sponsorships.values(), key=lambda s: s.id):
            if s.status is SponsorshipStatus.ACTIVE and s.currency == currency:
                yield s
