"""Recommendations: open postings for the calling student, ranked and explained."""

from __future__ import annotations

from applications.domain import access
from applications.domain.commands import ListFilter
from applications.domain.model import Status
from applications.domain.recommendation import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Recommendation,
    StudentTraits,
    programme_words,
    recommend,
)
from applications.handlers.ports import Deps
from stint.kit.actor import STUDENT, Actor
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.paging import PageRequest

# How much of the student's own history is read (newest first): their applications (to leave
# out what they applied to) and, among them, their hires (past-work skills).
HISTORY_READ = 100
PAST_HIRES_READ = 50


class RecommendationHandlers:
    def __init__(self, deps: Deps) -> None:
        self._d = deps

    async def for_student(self, actor: Actor, limit: int) -> list[Recommendation]:
        """ListRecommendations: the best `limit` (0: 20; 1 to 50) open postings visible to
        the calling student, each with what matched. Reads the student's profile and own
        history (bounded) and the open postings of the projection (an indexed equality on
        the status: the cost follows the open postings, never all of history). Emits nothing."""
        access.require_identity(actor)
        if actor.role != STUDENT:
            raise PermissionDenied("recommendations are for students")
        if not 0 <= limit <= MAX_LIMIT:
            raise InvalidArgument.of("limit", f"must be between 1 and {MAX_LIMIT} (0: 20)")
        traits = await self._traits(actor.subject)
        if traits.empty:
            return []
        applied = await self._d.applications.find(
            ListFilter(student_id=actor.subject, page=PageRequest(HISTORY_READ - 1))
        )
        return recommend(
            traits,
            await self._d.postings.open_postings(),
            university_id=actor.org,
            applied=frozenset(a.posting_id for a in applied),
            now=self._d.clock.now(),
            limit=limit or DEFAULT_LIMIT,
        )

    async def _traits(self, student_id: str) -> StudentTraits:
        profile = await self._d.profiles.get(student_id)
        hires = await self._d.applications.find(
            ListFilter(
                student_id=student_id,
                status=str(Status.HIRED),
                page=PageRequest(PAST_HIRES_READ - 1),
            )
        )
        past: set[str] = set()
        for posting_id in dict.fromkeys(h.posting_id for h in hires):
            posting = await self._d.postings.get(posting_id)
            if posting is not None:
                past.update(posting.skills)
        return StudentTraits(
            profile_skills=frozenset(profile.skills) if profile else frozenset(),
            past_skills=frozenset(past),
            programme_words=programme_words(profile.programme) if profile else frozenset(),
        )
