"""Use cases: take a command or an event, load, decide (domain), save with its events."""

from __future__ import annotations

from dataclasses import dataclass

from applications.handlers.applications import ApplicationHandlers
from applications.handlers.closure import Closure
from applications.handlers.conversations import (
    ConversationHandlers,
    ConversationPolicy,
    ConversationStore,
)
from applications.handlers.hiring import HiringHandlers
from applications.handlers.invitations import InvitationHandlers
from applications.handlers.ports import ApplicationRepository, Deps, PostingRepository
from applications.handlers.postings import PostingHandlers
from applications.handlers.profiles import ProfileHandlers
from applications.handlers.recommendations import RecommendationHandlers

__all__ = [
    "ApplicationHandlers",
    "ApplicationRepository",
    "Closure",
    "ConversationHandlers",
    "ConversationPolicy",
    "ConversationStore",
    "Deps",
    "Handlers",
    "HiringHandlers",
    "InvitationHandlers",
    "PostingHandlers",
    "PostingRepository",
    "ProfileHandlers",
    "RecommendationHandlers",
]


@dataclass(frozen=True)
class Handlers:
    """Every use case of the service, wired to one set of dependencies."""

    applications: ApplicationHandlers
    hiring: HiringHandlers
    postings: PostingHandlers
    profiles: ProfileHandlers
    invitations: InvitationHandlers
    conversations: ConversationHandlers
    recommendations: RecommendationHandlers

    @classmethod
    def build(
        cls,
        deps: Deps,
        conversations: ConversationStore,
        policy: ConversationPolicy | None = None,
    ) -> Handlers:
        closure = Closure(deps)
        profiles = ProfileHandlers(deps)
        invitations = InvitationHandlers(deps, profiles)
        apps = ApplicationHandlers(deps, closure, profiles, invitations)
        return cls(
            apps,
            HiringHandlers(deps, apps, closure, profiles),
            PostingHandlers(deps, closure),
            profiles,
            invitations,
            ConversationHandlers(deps, conversations, policy),
            RecommendationHandlers(deps),
        )
