"""Use cases of the engagement lifecycle: load, decide (domain), save state and events in one
write. Each handler's docstring says what it consumes and what it emits."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import datetime

from stint.kit.clock import Clock
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.ids import is_id, suffix
from submissions import metrics
from submissions.domain import access, validation
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain import feedback as fb
from submissions.domain.model import (
    Decision,
    Engagement,
    Feedback,
    Party,
    Review,
    Submission,
    Windows,
    start,
)
from submissions.domain.validation import Violations
from submissions.ports import EngagementStore

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
TIMER_ATTEMPTS = 3
TimerDecision = Callable[[Engagement, datetime], list[ev.Event]]


class Handlers:
    def __init__(
        self,
        repo: EngagementStore,
        clock: Clock,
        windows: Windows,
        default_revision_limit: int = 2,
    ) -> None:
        self._repo = repo
        self._clock = clock
        self._windows = windows
        self._revision_limit = default_revision_limit

    async def start_engagement(self, hire: cmd.Hire, ctx: cmd.Context, event_id: str) -> bool:
        """Consumes CandidateHired; emits EngagementStarted. The id eng_<application suffix>
        makes a redelivery hit AlreadyExists, which is done (returns False)."""
        validation.hire(hire)  # a malformed hire fails (and ends in the DLQ), never half-starts
        engagement_id = f"eng_{suffix(hire.application_id)}"
        engagement = start(engagement_id, hire, self._revision_limit, self._clock.now())
        try:
            await self._repo.add(engagement, engagement.started(), ctx, event_id)
        except AlreadyExists:
            return False
        metrics.ENGAGEMENTS_STARTED.inc()
        return True

    async def get(self, engagement_id: str, actor: cmd.Actor) -> Engagement:
        """Query: one engagement the caller may see (NotFound otherwise)."""
        return await self._open(Violations(), engagement_id, actor)

    async def list(self, q: cmd.ListQuery, actor: cmd.Actor) -> tuple[list[Engagement], str]:
        """Query: the caller's engagements, newest first, one page and the next token."""
        scope = access.list_scope(actor)
        v = Violations()
        after = _decode_token(v, q.page_token)
        if q.page_size < 0:
            v.add("page.page_size", "must not be negative")
        v.raise_if_any()
        filters = dict(scope)
        wanted = (
            ("student_id", q.student_id),
            ("company_id", q.company_id),
            ("university_id", q.university_id),
        )
        for key, value in wanted:
            if value and scope.get(key, value) != value:
                return [], ""  # another tenant's engagements: nothing to see
            if value:
                filters[key] = value
        size = min(q.page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        items = await self._repo.list(filters, q.statuses, after, size + 1)
        more = len(items) > size
        items = items[:size]
        return items, _encode_token(items[-1].id) if more else ""

    async def submit_work(self, c: cmd.SubmitWork, ctx: cmd.Context) -> tuple[Engagement, int]:
        """SubmitWork by the hired student; emits WorkSubmitted and starts the review window."""
        v = Violations()
        validation.submission(v, c.note, c.artifacts, c.ai_used, c.ai_disclosure)
        e = await self._open(v, c.engagement_id, ctx.actor)
        access.check_student(e, ctx.actor)
        validation.ai_policy(v, e.ai_policy, c.ai_used, c.ai_disclosure)
        v.raise_if_any()
        number = e.next_submission_number()
        submission = Submission(
            number, c.note, c.artifacts, c.ai_used, c.ai_disclosure, self._clock.now()
        )
        await self._repo.save(e, e.submit(submission, self._windows), ctx)
        metrics.SUBMISSIONS_RECEIVED.inc()
        return e, number

    async def request_revision(self, c: cmd.ReviewWork, ctx: cmd.Context) -> Engagement:
        """RequestRevision by the employer; emits RevisionRequested (RevisionLimitReached
        past the limit: approve or cancel instead)."""
        e = await self._review(c, ctx, feedback_required=True)
        review = self._new_review(c, Decision.REVISION_REQUESTED, ctx)
        await self._repo.save(e, e.request_revision(review), ctx)
        metrics.REVISIONS_REQUESTED.inc()
        return e

    async def approve(self, c: cmd.ReviewWork, ctx: cmd.Context) -> Engagement:
        """ApproveSubmission by the employer (or an admin); emits SubmissionApproved with the
        fee, then EngagementCompleted. Approving an already approved submission again is a
        no-op that emits nothing (safe client retries)."""
        e = await self._review(c, ctx, feedback_required=False)
        if e.is_approval_of(c.submission_number):
            return e
        review = self._new_review(c, Decision.APPROVED, ctx)
        await self._repo.save(e, e.approve(review, self._windows), ctx)
        metrics.SUBMISSIONS_APPROVED.labels("manual").inc()
        return e

    async def cancel(self, c: cmd.Cancel, ctx: cmd.Context) -> Engagement:
        """CancelEngagement by the employer or an admin; emits EngagementCancelled."""
        v = Violations()
        validation.cancel_reason(v, c.reason)
        e = await self._open(v, c.engagement_id, ctx.actor)
        access.check_employer(e, ctx.actor, admin_too=True)
        v.raise_if_any()
        await self._repo.save(e, e.cancel(c.reason.strip(), self._clock.now()), ctx)
        metrics.ENGAGEMENTS_CANCELLED.inc()
        return e

    async def give_feedback(
        self, c: cmd.GiveFeedback, ctx: cmd.Context
    ) -> tuple[Engagement, Feedback]:
        """GiveFeedback by the student or the employer after completion; emits FeedbackGiven,
        and FeedbackRevealed when the other side has already rated."""
        v = Violations()
        e = await self._open(v, c.engagement_id, ctx.actor)
        party = access.party_of(e, ctx.actor)
        may_endorse = party is Party.EMPLOYER
        skills = c.endorsed_skills
        validation.rating(v, c.rating, c.comment, skills, e.skills, may_endorse=may_endorse)
        v.raise_if_any()
        given = Feedback(party, c.rating, c.comment.strip(), skills, self._clock.now())
        events = fb.give(e, given)
        await self._repo.save(e, events, ctx)
        metrics.FEEDBACK_GIVEN.labels(party.value.lower()).inc()
        if any(isinstance(x, ev.FeedbackRevealed) for x in events):
            metrics.FEEDBACK_REVEALED.labels("both_rated").inc()
        return e, given

    async def auto_approve_due(self, engagement_id: str) -> None:
        """Timer: the review window passed without a review; emits SubmissionApproved
        (auto_approved) and EngagementCompleted."""
        if await self._on_timer(engagement_id, lambda e, now: e.auto_approve(now, self._windows)):
            metrics.SUBMISSIONS_APPROVED.labels("auto").inc()

    async def overdue_due(self, engagement_id: str) -> None:
        """Timer: the due date passed with nothing submitted; emits EngagementOverdue once."""
        if await self._on_timer(engagement_id, lambda e, now: e.mark_overdue(now)):
            metrics.ENGAGEMENTS_OVERDUE.inc()

    async def reveal_due(self, engagement_id: str) -> None:
        """Timer: the feedback window closed; emits FeedbackRevealed."""
        if await self._on_timer(engagement_id, fb.reveal_if_due):
            metrics.FEEDBACK_REVEALED.labels("window_passed").inc()

    async def _on_timer(self, engagement_id: str, decide: TimerDecision) -> bool:
        """Reload, decide on the current state, save; retried when a user's write won a race
        (the decision is then made again on the new state)."""
        for attempt in range(1, TIMER_ATTEMPTS + 1):
            e = await self._repo.get(engagement_id)
            events = decide(e, self._clock.now()) if e else []
            if e is None or not events:
                return False
            try:
                await self._repo.save(e, events, cmd.Context(cmd.SYSTEM))
            except ConcurrencyConflict:
                if attempt == TIMER_ATTEMPTS:
                    raise
                continue
            return True
        return False

    async def _review(
        self, c: cmd.ReviewWork, ctx: cmd.Context, *, feedback_required: bool
    ) -> Engagement:
        v = Violations()
        validation.submission_number(v, c.submission_number)
        e = await self._open(v, c.engagement_id, ctx.actor)
        access.check_employer(e, ctx.actor, admin_too=True)
        validation.review(
            v, c.feedback, c.criteria, e.acceptance_criteria, feedback_required=feedback_required
        )
        v.raise_if_any()
        return e

    def _new_review(self, c: cmd.ReviewWork, decision: Decision, ctx: cmd.Context) -> Review:
        now = self._clock.now()
        return Review(
            c.submission_number, decision, c.feedback.strip(), c.criteria, ctx.actor.subject, now
        )

    async def _open(self, v: Violations, engagement_id: str, actor: cmd.Actor) -> Engagement:
        """Load what the caller may see; invalid input found so far is reported first when
        the id itself is unusable."""
        access.require_identity(actor)
        validation.engagement_id(v, engagement_id)
        if any(item.field == "engagement_id" for item in v.items):
            v.raise_if_any()
        found = await self._repo.get(engagement_id)
        return access.check_visible(found, engagement_id, actor)


def _encode_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def _decode_token(v: Violations, token: str) -> str:
    if not token:
        return ""
    try:
        last_id = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        last_id = ""
    if not is_id(last_id, "eng"):
        v.add("page.page_token", "not a token from a previous page")
    return last_id
