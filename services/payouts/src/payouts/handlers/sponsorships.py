"""Use cases of sponsorships themselves: a university career office (for its own university)
or an admin (also grant programs) creates them, sees them with their budget (reserved, spent,
remaining) and tops up, pauses, resumes or ends them. Anyone else gets NotFound for one, and
PermissionDenied for the list, so ids do not leak.

How a sponsorship pays for hires is `sponsoring.py`.
"""

from __future__ import annotations

from dataclasses import replace

from payouts.domain.access import require_known
from payouts.domain.sponsor_part import SponsorKind
from payouts.domain.sponsorship import SPONSORSHIP_PREFIX, Sponsorship, SponsorshipStatus
from payouts.domain.sponsorship_commands import MAX_NAME, CreateSponsorship
from payouts.handlers.sponsorship_ports import SponsorshipQuery, SponsorshipStore
from stint.kit.actor import UNIVERSITY, Actor, Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import ConcurrencyConflict, InvalidArgument, NotFound, PermissionDenied
from stint.kit.ids import new_id
from stint.kit.money import Money
from stint.kit.paging import Page, PageRequest

EDITABLE = ("budget", "status", "sponsor_name")


class SponsorshipNotFound(NotFound):
    """No such sponsorship, or the caller may not know it exists."""


def _university_staff(actor: Actor) -> bool:
    return actor.role == UNIVERSITY and bool(actor.org)


def _visible(actor: Actor, s: Sponsorship | None, sponsorship_id: str) -> Sponsorship:
    require_known(actor)
    mine = (
        s is not None
        and s.sponsor_kind is SponsorKind.UNIVERSITY
        and (_university_staff(actor) and actor.org == s.sponsor_id)
    )
    if s is None or not (actor.is_admin or mine):
        raise SponsorshipNotFound(f"sponsorship {sponsorship_id} not found")
    return s


class Sponsorships:
    def __init__(self, store: SponsorshipStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def create(self, cause: Cause, cmd: CreateSponsorship) -> Sponsorship:
        """CreateSponsorship: university staff for their own university; admins any sponsor
        (grant programs only by admins)."""
        actor = cause.actor
        require_known(actor)
        if not actor.is_admin:
            if not _university_staff(actor) or cmd.sponsor_kind != SponsorKind.UNIVERSITY.value:
                raise PermissionDenied("university career offices sponsor their own students")
            if cmd.sponsor_id and cmd.sponsor_id != actor.org:
                raise PermissionDenied("a career office sponsors for its own university only")
            cmd = replace(cmd, sponsor_id=actor.org)
        cmd.validate()
        now = self.clock.now()
        created = cmd.sponsorship(new_id(SPONSORSHIP_PREFIX), actor.subject, now)
        return await self.store.insert_sponsorship(created)

    async def get(self, actor: Actor, sponsorship_id: str) -> Sponsorship:
        found = await self.store.get_sponsorship(sponsorship_id)
        return _visible(actor, found, sponsorship_id)

    async def list(
        self, actor: Actor, query: SponsorshipQuery, page: PageRequest
    ) -> Page[Sponsorship]:
        require_known(actor)
        if not actor.is_admin:
            if not _university_staff(actor):
                raise PermissionDenied("sponsorships are their sponsor's and the operators'")
            query = replace(query, sponsor_id=actor.org)
        return await self.store.list_sponsorships(query, page)

    async def update(
        self,
        cause: Cause,
        sponsorship_id: str,
        mask: tuple[str, ...],
        *,
        budget: Money | None,
        status: SponsorshipStatus | None,
        name: str,
        expected_version: int = 0,
    ) -> Sponsorship:
        """UpdateSponsorship: the masked fields (budget, status, sponsor_name), at least one."""
        unknown = [m for m in mask if m not in EDITABLE]
        if unknown or not mask:
            raise InvalidArgument.of("update_mask", f"name at least one of {', '.join(EDITABLE)}")
        if "sponsor_name" in mask and not (name.strip() and len(name) <= MAX_NAME):
            raise InvalidArgument.of("sponsor_name", f"is required, at most {MAX_NAME} chars")
        if "status" in mask and status is None:
            raise InvalidArgument.of("status", "must be ACTIVE, PAUSED or ENDED")
        if "budget" in mask and (budget is None or budget.amount_minor <= 0):
            raise InvalidArgument.of("budget.amount_minor", "must be positive")

        async def once() -> Sponsorship:
            current = await self.get(cause.actor, sponsorship_id)
            if expected_version and current.version != expected_version:
                raise ConcurrencyConflict(f"sponsorship {sponsorship_id} changed")
            edited = current.edit(
                self.clock.now(),
                budget=budget if "budget" in mask else None,
                status=status if "status" in mask else None,
                name=name.strip() if "sponsor_name" in mask else None,
            )
            return await self.store.update_sponsorship(edited, current.version)

        if expected_version:
            return await once()  # the caller's version: a conflict is theirs to resolve
        return await retry_on_conflict(once)
