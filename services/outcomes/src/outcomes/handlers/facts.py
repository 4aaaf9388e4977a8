"""Consumed events into the read model's facts. Emits nothing (a read model publishes no events).

Every handler is idempotent: a deterministic fact id, the event's ce_id remembered in the same
write, and changes that end in the same fact whatever the order of arrival.
"""

from __future__ import annotations

from dataclasses import replace

from outcomes.domain.changes import EngagementChange
from outcomes.domain.facts import Applied, Approval, EngagementFact, PostingInfo, approval_id
from outcomes.handlers.ports import Deps
from stint.kit.conflicts import retry_on_conflict


class FactHandlers:
    def __init__(self, deps: Deps) -> None:
        self._stores = deps.stores
        self._attempts = deps.write_attempts

    async def on_posting(self, info: PostingInfo, event_id: str) -> None:
        """Consumes PostingPublished / PostingUpdated: the posting's company and category
        (a higher posting version replaces a lower one)."""

        def decide(current: PostingInfo | None) -> PostingInfo | None:
            if current is not None and current.posting_version >= info.posting_version:
                return None
            return info

        await retry_on_conflict(
            lambda: self._stores.postings.change(info.posting_id, event_id, decide),
            attempts=self._attempts,
        )

    async def on_university_decision(
        self, info: PostingInfo, decision: Approval, event_id: str
    ) -> None:
        """Consumes PostingApprovedForUniversity / PostingDeclinedForUniversity: whether the
        posting is approved for the university now (the posting's version orders them)."""
        await self.on_posting(info, event_id)

        def decide(current: Approval | None) -> Approval | None:
            if current is not None and current.posting_version >= decision.posting_version:
                return None
            return decision

        key = approval_id(decision.university_id, decision.posting_id)
        await retry_on_conflict(
            lambda: self._stores.approvals.change(key, event_id, decide),
            attempts=self._attempts,
        )

    async def on_application(self, applied: Applied, event_id: str) -> None:
        """Consumes ApplicationSubmitted: who applied, to what, when (first record wins), with
        the posting's category and company name when the posting was seen (it was published
        before anyone could apply; a report looks up the rare one consumed out of order)."""
        info = await self._stores.postings.get(applied.posting_id)
        if info is not None:
            applied = replace(
                applied,
                category=applied.category or info.category,
                company_name=applied.company_name or info.company_name,
            )

        def decide(current: Applied | None) -> Applied | None:
            return applied if current is None else None

        await retry_on_conflict(
            lambda: self._stores.applied.change(applied.application_id, event_id, decide),
            attempts=self._attempts,
        )

    async def on_engagement(self, change: EngagementChange, event_id: str) -> None:
        """Consumes CandidateHired, EngagementCompleted, EngagementCancelled, FeedbackRevealed,
        PayoutPaid, FundingReleased (university sponsor), OfferMade, OfferAccepted: each sets
        its own field of the engagement's fact (created by whichever arrives first)."""

        def decide(current: EngagementFact | None) -> EngagementFact | None:
            fact = current or EngagementFact(change.engagement_id)
            new = change.apply(fact)
            return None if new == current else new

        await retry_on_conflict(
            lambda: self._stores.engagements.change(change.engagement_id, event_id, decide),
            attempts=self._attempts,
        )
