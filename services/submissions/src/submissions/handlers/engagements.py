"""Use cases of the engagement itself: created by a hire, started once funded, work delivered,
cancelled. Each handler's docstring says what it consumes and what it emits."""

from __future__ import annotations

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import AlreadyExists
from stint.kit.ids import suffix
from submissions import metrics
from submissions.domain import access, cancellation, validation
from submissions.domain import commands as cmd
from submissions.domain.model import Engagement, Submission, Windows, start
from submissions.domain.validation import Violations
from submissions.domain.values import Party
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
        """Consumes CandidateHired; creates the engagement AWAITING_FUNDING (emits nothing),
        and starts it at once (EngagementStarted) when its FundingSecured came first. The id
        eng_<application suffix> makes a redelivery hit AlreadyExists: nothing is created
        (returns False), yet the funding is looked up again, in case the first delivery
        stopped between the two."""
        validation.hire(hire)  # a malformed hire fails (and ends in the DLQ), never half-starts
        engagement_id = f"eng_{suffix(hire.application_id)}"
        now = self._clock.now()
        engagement = start(engagement_id, hire, self._revision_limit, now, self._windows)
        created = True
        try:
            await self._repo.add(engagement, [], cause, event_id)
        except AlreadyExists:
            created = False
        else:
            metrics.ENGAGEMENTS_CREATED.inc()
        # Only after the insert: `fund` writes its marker before it loads the engagement, so
        # whichever of the two events is handled second sees the other's write and starts it.
        if await self._repo.is_funded(engagement_id):
            await self._activate(engagement_id, cause)
        return created

    async def fund(self, funded: cmd.Funded, cause: Cause) -> bool:
        """Consumes FundingSecured; emits EngagementStarted when the engagement awaits its
        funding (whether it did is returned). The marker comes first (see `start`): an
        engagement not created yet is started by its hire; one in any other state is left
        alone (a redelivery; or funding after a cancellation, which payouts refunds)."""
        validation.funding(funded)
        at = funded.funded_at or self._clock.now()
        await self._repo.mark_funded(funded.engagement_id, funded.funding_id, at)
        return await self._activate(funded.engagement_id, cause)

    async def _activate(self, engagement_id: str, cause: Cause) -> bool:
        """AWAITING_FUNDING → ACTIVE, decided on the state it changes: a lost race (the other
        event's activation, a cancellation, the funding expiry) reloads and decides again."""

        async def attempt() -> bool:
            e = await self._repo.get(engagement_id)
            events = e.fund(self._clock.now()) if e else []
            if e is None or not events:
                return False
            await self._repo.save(e, events, cause)
            return True

        started = await retry_on_conflict(attempt)
        if started:
            metrics.ENGAGEMENTS_STARTED.inc()
        return started

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
        """CancelEngagement by the employer (before any work was submitted) or an admin (until
        approval); emits EngagementCancelled."""
        v = Violations()
        validation.cancel_reason(v, c.reason)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        access.check_employer(e, cause.actor, admin_too=True)
        v.raise_if_any()
        by = Party.PLATFORM if cause.actor.is_admin else Party.EMPLOYER
        return await self._end(e, c.reason, by, cause)

    async def withdraw(self, c: cmd.Cancel, cause: Cause) -> Engagement:
        """WithdrawFromEngagement by the hired intern, before any work was submitted; emits
        EngagementCancelled (cancelled_by STUDENT), and payouts refunds the company."""
        v = Violations()
        validation.cancel_reason(v, c.reason)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        access.check_student(e, cause.actor)
        v.raise_if_any()
        return await self._end(e, c.reason, Party.STUDENT, cause)

    async def _end(self, e: Engagement, reason: str, by: Party, cause: Cause) -> Engagement:
        cancellation.check(e, by)
        owed = cancellation.kill_fee(e, by)
        await self._repo.save(e, e.cancel(reason.strip(), self._clock.now(), by, owed), cause)
        metrics.ENGAGEMENTS_CANCELLED.labels(by.value.lower()).inc()
        return e
