"""Use cases of the postings context: requests that change a posting (`commands`), what the
platform does on its own (`reactions`: consumed events, the expiry timer) and reads (`views`),
over the ports they need (`ports`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from postings.domain.validation import Policy
from postings.handlers.commands import PostingCommands, new_posting_id
from postings.handlers.companies import CompanyCommands
from postings.handlers.ports import Companies, Loaded, Repository
from postings.handlers.reactions import Change, PostingReactions
from postings.handlers.review import ReviewCommands
from postings.handlers.views import PostingViews
from stint.kit.clock import Clock

__all__ = [
    "Change",
    "Companies",
    "CompanyCommands",
    "Handlers",
    "Loaded",
    "PostingCommands",
    "PostingReactions",
    "PostingViews",
    "Repository",
    "ReviewCommands",
]


@dataclass(frozen=True)
class Handlers:
    """Every use case, over the postings and companies repositories."""

    commands: PostingCommands
    reactions: PostingReactions
    views: PostingViews
    companies: CompanyCommands
    review: ReviewCommands

    @classmethod
    def build(
        cls,
        repository: Repository,
        companies: Companies,
        clock: Clock,
        policy: Policy,
        next_id: Callable[[], str] = new_posting_id,
    ) -> Handlers:
        return cls(
            PostingCommands(repository, companies, clock, policy, next_id),
            PostingReactions(repository, clock),
            PostingViews(repository),
            CompanyCommands(companies, clock),
            ReviewCommands(repository, companies, clock, policy),
        )
