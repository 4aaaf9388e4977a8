"""Reads of disputes: one the caller may see (by its id or its engagement's), and lists."""

from __future__ import annotations

from stint.kit.actor import Actor
from stint.kit.ids import suffix
from stint.kit.paging import Page
from submissions.domain import access, dispute_access, validation
from submissions.domain import commands as cmd
from submissions.domain import dispute_validation as dv
from submissions.domain.dispute import Dispute
from submissions.domain.validation import Violations
from submissions.handlers.ports import DisputeStore, EngagementStore


class DisputeViews:
    def __init__(self, engagements: EngagementStore, disputes: DisputeStore) -> None:
        self._engagements = engagements
        self._disputes = disputes

    async def visible(self, v: Violations, dispute_id: str, actor: Actor) -> Dispute:
        """Load what the caller may see (NotFound otherwise); an unusable id is reported with
        the violations found so far. A dispute whose engagement was written but whose own
        document was not yet (`Engagement.opening`) is read from the engagement."""
        access.require_identity(actor)
        dv.dispute_id(v, dispute_id)
        if any(item.field == "dispute_id" for item in v.items):
            v.raise_if_any()
        found = await self._disputes.get(dispute_id)
        if found is None:
            e = await self._engagements.get(f"eng_{suffix(dispute_id)}")
            found = e.opening if e else None
        return dispute_access.check_visible(found, dispute_id, actor)

    async def get(self, dispute_id: str, engagement_id: str, actor: Actor) -> Dispute:
        """Query: one dispute by its id, or by its engagement's id (NotFound when there is
        none, or the caller may not see it)."""
        v = Violations()
        if not dispute_id and engagement_id:
            validation.engagement_id(v, engagement_id)
            v.raise_if_any()
            dispute_id = f"dsp_{suffix(engagement_id)}"
        elif not dispute_id:
            v.add("dispute_id", "required: the dispute id or its engagement's id")
        return await self.visible(v, dispute_id, actor)

    async def list(self, q: cmd.DisputeQuery, actor: Actor) -> Page[Dispute]:
        """Query: the caller's disputes (admins: any), newest first, one page and the next."""
        scope = access.list_scope(actor)
        filters = dict(scope)
        for key, value in (("company_id", q.company_id), ("student_id", q.student_id)):
            if value and scope.get(key, value) != value:
                return Page([])  # another tenant's disputes: nothing to see
            if value:
                filters[key] = value
        rows = await self._disputes.list(filters, q.statuses, q.page)
        return Page.of(rows, q.page, lambda d: d.id)
