"""Use case of the double-blind feedback after completion (the rules: domain/feedback.py)."""

from __future__ import annotations

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from submissions import metrics
from submissions.domain import access, validation
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain import feedback as fb
from submissions.domain.model import Engagement, Feedback, Party
from submissions.domain.validation import Violations
from submissions.handlers.ports import EngagementStore
from submissions.handlers.views import visible


class FeedbackHandlers:
    def __init__(self, repo: EngagementStore, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    async def give(self, c: cmd.GiveFeedback, cause: Cause) -> tuple[Engagement, Feedback]:
        """GiveFeedback by the student or the employer after completion; emits FeedbackGiven,
        and FeedbackRevealed when the other side has already rated."""
        v = Violations()
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        party = access.party_of(e, cause.actor)
        may_endorse = party is Party.EMPLOYER
        skills = fb.endorsements(c.endorsed_skills, e.skills)
        validation.rating(v, c.rating, c.comment, skills, e.skills, may_endorse=may_endorse)
        v.raise_if_any()
        given = Feedback(party, c.rating, c.comment.strip(), skills, self._clock.now())
        events = fb.give(e, given)
        await self._repo.save(e, events, cause)
        metrics.FEEDBACK_GIVEN.labels(party.value.lower()).inc()
        if any(isinstance(x, ev.FeedbackRevealed) for x in events):
            metrics.FEEDBACK_REVEALED.labels("both_rated").inc()
        return e, given
