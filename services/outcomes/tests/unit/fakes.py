"""In-memory stores with the repository's contract (applied ce_ids, versions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

from outcomes.domain.facts import Applied, Approval, EngagementFact, Facts, PostingInfo
from outcomes.handlers import Deps, Handlers, Stores
from stint.kit.testing.clock import ManualClock

T = TypeVar("T")


@dataclass
class MemoryStore(Generic[T]):
    facts: dict[str, T] = field(default_factory=dict)
    applied_events: dict[str, set[str]] = field(default_factory=dict)
    writes: int = 0

    async def get(self, fact_id: str) -> T | None:
        return self.facts.get(fact_id)

    async def change(
        self, fact_id: str, event_id: str, decide: Callable[[T | None], T | None]
    ) -> bool:
        seen = self.applied_events.setdefault(fact_id, set())
        if event_id in seen:
            return False
        new = decide(self.facts.get(fact_id))
        if new is None:
            return False
        self.facts[fact_id] = new
        seen.add(event_id)
        self.writes += 1
        return True


@dataclass
class MemoryRepository:
    postings: MemoryStore[PostingInfo] = field(default_factory=MemoryStore)
    approvals: MemoryStore[Approval] = field(default_factory=MemoryStore)
    applied: MemoryStore[Applied] = field(default_factory=MemoryStore)
    engagements: MemoryStore[EngagementFact] = field(default_factory=MemoryStore)

    async def facts_for(self, university_id: str) -> Facts:
        engagements = list(self.engagements.facts.values())
        return Facts(
            approvals=[
                a for a in self.approvals.facts.values() if a.university_id == university_id
            ],
            applied=[a for a in self.applied.facts.values() if a.university_id == university_id],
            engagements=[e for e in engagements if e.university_id == university_id],
            sponsored=[e for e in engagements if e.sponsor_university_id == university_id],
            postings=dict(self.postings.facts),
        )


def build(k: int = 2) -> tuple[Handlers, MemoryRepository, ManualClock]:
    repo = MemoryRepository()
    clock = ManualClock(datetime(2026, 6, 1, tzinfo=UTC))
    stores = Stores(repo.postings, repo.approvals, repo.applied, repo.engagements, repo)
    return Handlers.build(Deps(stores, clock, suppression_k=k, max_range_days=366)), repo, clock
