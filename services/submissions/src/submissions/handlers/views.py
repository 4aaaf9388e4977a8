"""Reads: one engagement the caller may see, and the caller's engagements page by page."""

from __future__ import annotations

from stint.kit.actor import Actor
from stint.kit.paging import Page
from submissions.domain import access, validation
from submissions.domain import commands as cmd
from submissions.domain.model import Engagement
from submissions.domain.validation import Violations
from submissions.handlers.ports import EngagementStore


async def visible(
    repo: EngagementStore, v: Violations, engagement_id: str, actor: Actor
) -> Engagement:
    """Load what the caller may see (NotFound otherwise); invalid input found so far is
    reported first when the id itself is unusable. Every use case on one engagement starts
    here."""
    access.require_identity(actor)
    validation.engagement_id(v, engagement_id)
    if any(item.field == "engagement_id" for item in v.items):
        v.raise_if_any()
    found = await repo.get(engagement_id)
    return access.check_visible(found, engagement_id, actor)


class Views:
    def __init__(self, repo: EngagementStore) -> None:
        self._repo = repo

    async def get(self, engagement_id: str, actor: Actor) -> Engagement:
        """Query: one engagement the caller may see (NotFound otherwise)."""
        return await visible(self._repo, Violations(), engagement_id, actor)

    async def list(self, q: cmd.ListQuery, actor: Actor) -> Page[Engagement]:
        """Query: the caller's engagements, newest first, one page and the next token."""
        scope = access.list_scope(actor)
        filters = dict(scope)
        wanted = (
            ("student_id", q.student_id),
            ("company_id", q.company_id),
            ("university_id", q.university_id),
        )
        for key, value in wanted:
            if value and scope.get(key, value) != value:
                return Page([])  # another tenant's engagements: nothing to see
            if value:
                filters[key] = value
        rows = await self._repo.list(filters, q.statuses, q.page)
        return Page.of(rows, q.page, lambda e: e.id)
