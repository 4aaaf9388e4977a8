"""Use cases: take a command or an event, load, decide (domain), save with its events."""

from __future__ import annotations

from dataclasses import dataclass

from applications.handlers.applications import ApplicationHandlers
from applications.handlers.closure import Closure
from applications.handlers.hiring import HiringHandlers
from applications.handlers.ports import ApplicationRepository, Deps, PostingRepository
from applications.handlers.postings import PostingHandlers

__all__ = [
    "ApplicationHandlers",
    "ApplicationRepository",
    "Closure",
    "Deps",
    "Handlers",
    "HiringHandlers",
    "PostingHandlers",
    "PostingRepository",
]


@dataclass(frozen=True)
class Handlers:
    """Every use case of the service, wired to one set of dependencies."""

    applications: ApplicationHandlers
    hiring: HiringHandlers
    postings: PostingHandlers

    @classmethod
    def build(cls, deps: Deps) -> Handlers:
        closure = Closure(deps)
        apps = ApplicationHandlers(deps, closure)
        return cls(apps, HiringHandlers(deps, apps, closure), PostingHandlers(deps, closure))
