"""Use cases of the employer's review of the latest submission: a revision, or approval (which
completes the engagement and pays the fee downstream)."""

from __future__ import annotations

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from submissions import metrics
from submissions.domain import access, validation
from submissions.domain import commands as cmd
from submissions.domain.model import Decision, Engagement, Review, Windows
from submissions.domain.validation import Violations
from submissions.handlers.ports import EngagementStore
from submissions.handlers.views import visible


class ReviewHandlers:
    def __init__(self, repo: EngagementStore, clock: Clock, windows: Windows) -> None:
        self._repo = repo
        self._clock = clock
        self._windows = windows

    async def request_revision(self, c: cmd.ReviewWork, cause: Cause) -> Engagement:
        """RequestRevision by the employer; emits RevisionRequested (RevisionLimitReached
        past the limit: approve or cancel instead)."""
        e = await self._reviewable(c, cause, feedback_required=True)
        review = self._new_review(c, Decision.REVISION_REQUESTED, cause)
        await self._repo.save(e, e.request_revision(review), cause)
        metrics.REVISIONS_REQUESTED.inc()
        return e

    async def approve(self, c: cmd.ReviewWork, cause: Cause) -> Engagement:
        """ApproveSubmission by the employer (or an admin); emits SubmissionApproved with the
        fee, then EngagementCompleted. Approving an already approved submission again is a
        no-op that emits nothing (safe client retries)."""
        e = await self._reviewable(c, cause, feedback_required=False)
        if e.is_approval_of(c.submission_number):
            return e
        review = self._new_review(c, Decision.APPROVED, cause)
        await self._repo.save(e, e.approve(review, self._windows), cause)
        metrics.SUBMISSIONS_APPROVED.labels("manual").inc()
        return e

    async def _reviewable(
        self, c: cmd.ReviewWork, cause: Cause, *, feedback_required: bool
    ) -> Engagement:
        v = Violations()
        validation.submission_number(v, c.submission_number)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        access.check_employer(e, cause.actor, admin_too=True)
        validation.review(
            v, c.feedback, c.criteria, e.acceptance_criteria, feedback_required=feedback_required
        )
        v.raise_if_any()
        return e

    def _new_review(self, c: cmd.ReviewWork, decision: Decision, cause: Cause) -> Review:
        now = self._clock.now()
        reviewer = cause.actor.subject
        return Review(c.submission_number, decision, c.feedback.strip(), c.criteria, reviewer, now)
