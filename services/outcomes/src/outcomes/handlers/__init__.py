"""Use cases: consumed events into facts, and the reports made from them."""

from __future__ import annotations

from dataclasses import dataclass

from outcomes.handlers.facts import FactHandlers
from outcomes.handlers.ports import Deps, FactStore, ReportSource, Stores
from outcomes.handlers.reports import ReportHandlers

__all__ = [
    "Deps",
    "FactHandlers",
    "FactStore",
    "Handlers",
    "ReportHandlers",
    "ReportSource",
    "Stores",
]


@dataclass(frozen=True)
class Handlers:
    facts: FactHandlers
    reports: ReportHandlers

    @classmethod
    def build(cls, deps: Deps) -> Handlers:
        return cls(FactHandlers(deps), ReportHandlers(deps))
