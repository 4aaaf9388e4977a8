"""Use cases of the engagement itself: started by a hire, work delivered, cancelled. Each
handler's docstring says what it consumes and what it emits."""

from __future__ import annotations

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.errors import AlreadyExists
from stint.kit.ids import suffix
from submissions import metrics
from submissions.domain import access, validation
from submissions.domain import commands as cmd
from submissions.domain.model import Engagement, Submission, Windows, start
from submissions.domain.validation import Violations
from submissions.handlers.ports import EngagementStore
from submissions.handlers.views import visible


class EngagementHandlers:
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

    async def start(self, hire: cmd.Hire, cause: Cause, event_id: str) -> bool:
        """Consumes CandidateHired; emits EngagementStarted. The id eng_<application suffix>
        makes a redelivery hit AlreadyExists, which is done (returns False)."""
        validation.hire(hire)  # a malformed hire fails (and ends in the DLQ), never half-starts
        engagement_id = f"eng_{suffix(hire.application_id)}"
        engagement = start(engagement_id, hire, self._revision_limit, self._clock.now())
        try:
            await self._repo.add(engagement, engagement.started(), cause, event_id)
        except AlreadyExists:
            return False
        metrics.ENGAGEMENTS_STARTED.inc()
        return True

    async def submit_work(self, c: cmd.SubmitWork, cause: Cause) -> tuple[Engagement, int]:
        """SubmitWork by the hired student; emits WorkSubmitted and starts the review window."""
        v = Violations()
        validation.submission(v, c.note, c.artifacts, c.ai_used, c.ai_disclosure)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        access.check_student(e, cause.actor)
        validation.ai_policy(v, e.ai_policy, c.ai_used, c.ai_disclosure)
        v.raise_if_any()
        number = e.next_submission_number()
        submission = Submission(
            number, c.note, c.artifacts, c.ai_used, c.ai_disclosure, self._clock.now()
        )
        await self._repo.save(e, e.submit(submission, self._windows), cause)
        metrics.SUBMISSIONS_RECEIVED.inc()
        return e, number

    async def cancel(self, c: cmd.Cancel, cause: Cause) -> Engagement:
        """CancelEngagement by the employer or an admin; emits EngagementCancelled."""
        v = Violations()
        validation.cancel_reason(v, c.reason)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        access.check_employer(e, cause.actor, admin_too=True)
        v.raise_if_any()
        await self._repo.save(e, e.cancel(c.reason.strip(), self._clock.now()), cause)
        metrics.ENGAGEMENTS_CANCELLED.inc()
        return e
