"""In-memory stand-ins for the unit tests (no I/O)."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from stint.kit.actor import Actor, Cause
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.ids import new_id
from stint.kit.money import Money
from stint.kit.paging import PageRequest
from submissions.domain import commands as cmd
from submissions.domain.dispute import Dispute, DisputeStatus
from submissions.domain.events import Event
from submissions.domain.model import AiPolicy, Engagement, Status, Windows, start
from submissions.domain.offer import Offer, OfferStatus

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SKILLS = ("Excel", "SQL", "Python")
CRITERIA = ("Five competitors", "Sources cited")


class FakeStore:
    """Keeps copies, checks versions like the outbox does, and records the events written."""

    def __init__(self) -> None:
        self.docs: dict[str, Engagement] = {}
        self.events: list[tuple[Event, Cause]] = []
        self.conflicts = 0  # the next N saves lose a race
        self.funded: dict[str, tuple[str, datetime]] = {}

    async def get(self, engagement_id: str) -> Engagement | None:
        found = self.docs.get(engagement_id)
        return copy.deepcopy(found) if found else None

    async def add(
        self, engagement: Engagement, events: Sequence[Event], cause: Cause, applied: str
    ) -> None:
        if engagement.id in self.docs:
            raise AlreadyExists(engagement.id)
        engagement.version = 1
        self.docs[engagement.id] = copy.deepcopy(engagement)
        self.events += [(e, cause) for e in events]

    async def save(self, engagement: Engagement, events: Sequence[Event], cause: Cause) -> None:
        stored = self.docs[engagement.id]
        if self.conflicts or stored.version != engagement.version:
            self.conflicts = max(self.conflicts - 1, 0)
            raise ConcurrencyConflict(engagement.id)
        engagement.version += 1
        self.docs[engagement.id] = copy.deepcopy(engagement)
        self.events += [(e, cause) for e in events]

    async def mark_funded(self, engagement_id: str, funding_id: str, at: datetime) -> None:
        self.funded.setdefault(engagement_id, (funding_id, at))

    async def is_funded(self, engagement_id: str) -> bool:
        return engagement_id in self.funded

    async def list(
        self, filters: dict[str, str], statuses: Sequence[Status], page: PageRequest
    ) -> list[Engagement]:
        items = sorted(self.docs.values(), key=lambda e: e.id, reverse=True)
        items = [e for e in items if all(getattr(e, k) == v for k, v in filters.items())]
        items = [e for e in items if not statuses or e.status in statuses]
        items = [e for e in items if not page.after or e.id < page.after]
        return copy.deepcopy(items[: page.limit])

    def kinds(self) -> list[str]:
        return [type(e).__name__ for e, _ in self.events]


class FakeDisputes:
    """Disputes as the repository keeps them: versioned copies, events recorded; `crash_adds`
    makes the next inserts fail as if the process died before writing."""

    def __init__(self, events: list[tuple[Event, Cause]]) -> None:
        self.docs: dict[str, Dispute] = {}
        self.events = events  # shared with the engagements' store: one stream, as on Kafka
        self.crash_adds = 0
        self.conflicts = 0

    async def get(self, dispute_id: str) -> Dispute | None:
        found = self.docs.get(dispute_id)
        return copy.deepcopy(found) if found else None

    async def add(self, dispute: Dispute, events: Sequence[Event], cause: Cause) -> None:
        if self.crash_adds:
            self.crash_adds -= 1
            raise RuntimeError("crashed before the dispute was written")
        if dispute.id in self.docs:
            raise AlreadyExists(dispute.id)
        dispute.version = 1
        self.docs[dispute.id] = copy.deepcopy(dispute)
        self.events += [(e, cause) for e in events]

    async def save(self, dispute: Dispute, events: Sequence[Event], cause: Cause) -> None:
        stored = self.docs[dispute.id]
        if self.conflicts or stored.version != dispute.version:
            self.conflicts = max(self.conflicts - 1, 0)
            raise ConcurrencyConflict(dispute.id)
        dispute.version += 1
        self.docs[dispute.id] = copy.deepcopy(dispute)
        self.events += [(e, cause) for e in events]

    async def list(
        self, filters: dict[str, str], statuses: Sequence[DisputeStatus], page: PageRequest
    ) -> list[Dispute]:
        items = sorted(self.docs.values(), key=lambda d: d.id, reverse=True)
        items = [d for d in items if all(getattr(d, k) == v for k, v in filters.items())]
        items = [d for d in items if not statuses or d.status in statuses]
        items = [d for d in items if not page.after or d.id < page.after]
        return copy.deepcopy(items[: page.limit])


class FakeOffers:
    """Offers as the repository keeps them: versioned copies, events on the shared stream."""

    def __init__(self, events: list[tuple[Event, Cause]]) -> None:
        self.docs: dict[str, Offer] = {}
        self.events = events

    async def get(self, offer_id: str) -> Offer | None:
        found = self.docs.get(offer_id)
        return copy.deepcopy(found) if found else None

    async def add(self, offer: Offer, events: Sequence[Event], cause: Cause) -> None:
        if offer.id in self.docs:
            raise AlreadyExists(offer.id)
        offer.version = 1
        self.docs[offer.id] = copy.deepcopy(offer)
        self.events += [(e, cause) for e in events]

    async def save(self, offer: Offer, events: Sequence[Event], cause: Cause) -> None:
        if self.docs[offer.id].version != offer.version:
            raise ConcurrencyConflict(offer.id)
        offer.version += 1
        self.docs[offer.id] = copy.deepcopy(offer)
        self.events += [(e, cause) for e in events]

    async def list(
        self, filters: dict[str, str], statuses: Sequence[OfferStatus], page: PageRequest
    ) -> list[Offer]:
        items = sorted(self.docs.values(), key=lambda o: o.id, reverse=True)
        items = [o for o in items if all(getattr(o, k) == v for k, v in filters.items())]
        items = [o for o in items if not statuses or o.status in statuses]
        items = [o for o in items if not page.after or o.id < page.after]
        return copy.deepcopy(items[: page.limit])


def hire(policy: AiPolicy = AiPolicy.DISCLOSE, due_in: timedelta = timedelta(days=10)) -> cmd.Hire:
    return cmd.Hire(
        application_id=new_id("app"),
        posting_id=new_id("pst"),
        company_id=new_id("cmp"),
        student_id=new_id("usr"),
        university_id=new_id("uni"),
        title="Competitor pricing study",
        category="MARKET_RESEARCH",
        skills=SKILLS,
        estimated_hours=20,
        fee=Money(50_000, "USD"),
        due_date=T0 + due_in,
        acceptance_criteria=CRITERIA,
        ai_policy=policy,
        hired_at=T0,
    )


def unfunded(policy: AiPolicy = AiPolicy.DISCLOSE, limit: int = 2) -> Engagement:
    """Just hired: awaiting the company's funding."""
    h = hire(policy)
    return start("eng_" + h.application_id[4:], h, limit, T0, Windows())


def engagement(policy: AiPolicy = AiPolicy.DISCLOSE, limit: int = 2) -> Engagement:
    """Hired and funded at T0: ACTIVE."""
    e = unfunded(policy, limit)
    e.fund(T0)
    return e


def student(e: Engagement) -> Actor:
    return Actor(e.student_id, "student", e.university_id)


def employer(e: Engagement) -> Actor:
    return Actor(new_id("usr"), "employer", e.company_id)
