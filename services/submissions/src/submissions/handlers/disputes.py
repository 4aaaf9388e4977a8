"""Use cases of disputes: a side opens one, the other answers, an admin resolves it (the
rules: domain/dispute.py and domain/disputes.py; the two-document writes: dispute_writes.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.errors import ConcurrencyConflict
from submissions import metrics
from submissions.domain import commands as cmd
from submissions.domain import dispute_access, disputes
from submissions.domain import dispute_validation as dv
from submissions.domain.dispute import Dispute, Evidence, Resolution, Statement
from submissions.domain.model import Engagement, Windows
from submissions.domain.validation import Violations
from submissions.domain.values import Party
from submissions.handlers.dispute_views import DisputeViews
from submissions.handlers.dispute_writes import DisputeWrites
from submissions.handlers.ports import DisputeStore, EngagementStore
from submissions.handlers.views import visible


class DisputeHandlers:
    def __init__(
        self,
        engagements: EngagementStore,
        disputes: DisputeStore,
        clock: Clock,
        windows: Windows,
        writes: DisputeWrites,
        views: DisputeViews,
    ) -> None:
        self._engagements = engagements
        self._disputes = disputes
        self._clock = clock
        self._windows = windows
        self._writes = writes
        self._views = views

    async def open(self, c: cmd.OpenDispute, cause: Cause) -> tuple[Dispute, Engagement]:
        """OpenDispute by the employer or the intern of an engagement whose work started;
        emits DisputeOpened with the engagement, now DISPUTED (its review, auto-approval and
        cancellation wait for the decision). ALREADY_EXISTS when one is open."""
        v = Violations()
        dv.claim(v, c.reason)
        e = await visible(self._engagements, v, c.engagement_id, cause.actor)
        party = dispute_access.side(cause.actor, e.student_id, e.company_id)
        dv.statement(v, c.statement, c.evidence, e)
        v.raise_if_any()
        assert c.reason is not None  # validated
        claim = self._statement(party, cause, c.statement, c.evidence)
        events = disputes.open_dispute(e, c.reason, claim, self._windows.dispute_answer)
        opened = e.opening
        assert opened is not None  # just opened
        await self._engagements.save(e, events, cause)
        metrics.DISPUTES_OPENED.labels(party.value.lower()).inc()
        with contextlib.suppress(ConcurrencyConflict):  # the repair timer clears `opening`
            opened = await self._writes.finish_opening(e, cause) or opened
        return opened, e

    async def answer(self, c: cmd.AnswerDispute, cause: Cause) -> Dispute:
        """AnswerDispute by the side that did not open it, while OPEN and before
        answer_due_at; emits DisputeAnswered (an admin decides now)."""
        v = Violations()
        d = await self._views.visible(v, c.dispute_id, cause.actor)
        party = dispute_access.side(cause.actor, d.student_id, d.company_id)
        e = await self._engagements.get(d.engagement_id)
        assert e is not None  # a dispute is opened on a stored engagement, never deleted
        dv.statement(v, c.statement, c.evidence, e)
        v.raise_if_any()
        answer = self._statement(party, cause, c.statement, c.evidence)
        await self._disputes.save(d, d.give_answer(answer), cause)
        metrics.DISPUTES_ANSWERED.inc()
        return d

    async def resolve(self, c: cmd.ResolveDispute, cause: Cause) -> tuple[Dispute, Engagement]:
        """ResolveDispute by an admin, while OPEN or AWAITING_DECISION, with a written
        decision; emits DisputeResolved (payouts pays `released`, refunds the rest), then
        EngagementCompleted (released in full or in part) or EngagementCancelled (refunded)."""
        v = Violations()
        d = await self._views.visible(v, c.dispute_id, cause.actor)
        dispute_access.check_admin(cause.actor)
        dv.resolution(v, c.outcome, c.released, c.decision, d.fee)
        v.raise_if_any()
        assert c.outcome is not None  # validated
        e = await self._engagements.get(d.engagement_id)
        assert e is not None
        released, refunded = disputes.settlement(c.outcome, d.fee, c.released)
        now = self._clock.now()
        decision = c.decision.strip()
        resolution = Resolution(c.outcome, released, refunded, decision, cause.actor.subject, now)
        await self._disputes.save(d, d.resolve(resolution, e.snapshot()), cause)
        metrics.DISPUTES_RESOLVED.labels(c.outcome.value.lower()).inc()
        with contextlib.suppress(ConcurrencyConflict):  # the settlement timer marks it
            e = await self._writes.settle(d, cause) or e
        return d, e

    def _statement(
        self, party: Party, cause: Cause, text: str, refs: Sequence[cmd.EvidenceRef]
    ) -> Statement:
        evidence = tuple(
            Evidence(r.kind, r.reference.strip(), r.note.strip()) for r in refs if r.kind
        )
        return Statement(party, cause.actor.subject, text.strip(), evidence, self._clock.now())
