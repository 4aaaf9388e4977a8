"""What the use cases need from the outside world: the stores of the read model's facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from outcomes.domain.facts import Applied, Approval, EngagementFact, Facts, PostingInfo
from stint.kit.clock import Clock

T = TypeVar("T")


class FactStore(Protocol[T]):
    """One kind of fact, by deterministic id (adapters/repository.py)."""

    async def get(self, fact_id: str) -> T | None: ...

    async def change(
        self, fact_id: str, event_id: str, decide: Callable[[T | None], T | None]
    ) -> bool:
        """Load the fact (None: not seen yet), and store what `decide` returns (None: no
        change), remembering `event_id` in the same write; an event already applied to the
        fact changes nothing. True when something was written. Raises ConcurrencyConflict
        when another writer moved the fact in between (the caller runs it again)."""
        ...


class ReportSource(Protocol):
    async def facts_for(self, university_id: str) -> Facts:
        """The university's facts (indexed equality on university_id, never a scan of all
        history) and the postings its applications refer to (by id)."""
        ...


@dataclass(frozen=True)
class Stores:
    postings: FactStore[PostingInfo]
    approvals: FactStore[Approval]
    applied: FactStore[Applied]
    engagements: FactStore[EngagementFact]
    reports: ReportSource


@dataclass(frozen=True)
class Deps:
    """Everything a use case needs; built once in bootstrap."""

    stores: Stores
    clock: Clock
    suppression_k: int = 5
    max_range_days: int = 3660
    max_companies: int = 200
    write_attempts: int = 5
