"""Use cases of the engagement's time (the rules: domain/schedule.py): extension requests and
their answers, milestone check-offs. Each handler's docstring says what it emits."""

from __future__ import annotations

from stint.kit.actor import Cause
from stint.kit.clock import Clock
from submissions import metrics
from submissions.domain import commands as cmd
from submissions.domain import dispute_access, schedule
from submissions.domain import schedule_validation as sv
from submissions.domain.errors import NotAllowed, ScheduleItemNotFound
from submissions.domain.model import Engagement, Windows
from submissions.domain.validation import Violations
from submissions.domain.values import Extension, Milestone, Party
from submissions.handlers.ports import EngagementStore
from submissions.handlers.views import visible


class ScheduleHandlers:
    def __init__(self, repo: EngagementStore, clock: Clock, windows: Windows) -> None:
        self._repo = repo
        self._clock = clock
        self._windows = windows

    async def request_extension(
        self, c: cmd.RequestExtension, cause: Cause
    ) -> tuple[Engagement, Extension]:
        """RequestExtension by the intern or the company's employer on ACTIVE work; emits
        ExtensionRequested (the other side answers)."""
        v = Violations()
        sv.reason(v, c.reason, required=True)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        party = _side(e, cause)
        now = self._clock.now()
        current = schedule.check_extendable(e)
        sv.new_due_date(v, c.new_due_date, current, now, self._windows.max_extension)
        v.raise_if_any()
        assert c.new_due_date is not None  # validated
        x, events = schedule.request_extension(
            e, party, cause.actor.subject, c.new_due_date, c.reason.strip(), now
        )
        await self._repo.save(e, events, cause)
        metrics.EXTENSIONS.labels("requested").inc()
        return e, x

    async def answer_extension(
        self, c: cmd.AnswerExtension, cause: Cause
    ) -> tuple[Engagement, Extension]:
        """AcceptExtension / DeclineExtension by the side that did not ask; emits
        ExtensionGranted (the due date moves) or ExtensionDeclined."""
        v = Violations()
        n = sv.number(v, "extension_number", c.number)
        sv.reason(v, c.reason, required=False)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        party = _side(e, cause)
        v.raise_if_any()
        x = schedule.extension(e, n)
        if x is None:
            raise ScheduleItemNotFound(e.id, "extension", n)
        now = self._clock.now()
        answered, events = schedule.answer_extension(
            e, x, party, cause.actor.subject, now, accept=c.accept, reason=c.reason.strip()
        )
        await self._repo.save(e, events, cause)
        metrics.EXTENSIONS.labels("granted" if c.accept else "declined").inc()
        return e, answered

    async def withdraw_extension(
        self, c: cmd.AnswerExtension, cause: Cause
    ) -> tuple[Engagement, Extension]:
        """WithdrawExtension by the side that asked, while the request is pending; emits
        ExtensionWithdrawn (the other side is told; the due date stays)."""
        v = Violations()
        n = sv.number(v, "extension_number", c.number)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        party = _side(e, cause)
        v.raise_if_any()
        x = schedule.extension(e, n)
        if x is None:
            raise ScheduleItemNotFound(e.id, "extension", n)
        withdrawn, events = schedule.withdraw_extension(
            e, x, party, cause.actor.subject, self._clock.now()
        )
        await self._repo.save(e, events, cause)
        metrics.EXTENSIONS.labels("withdrawn").inc()
        return e, withdrawn

    async def check_off(
        self, c: cmd.CheckOffMilestone, cause: Cause
    ) -> tuple[Engagement, Milestone]:
        """CheckOffMilestone: the intern marks an open milestone done (emits
        MilestoneCompleted); the company's employer confirms a done one (emits nothing)."""
        v = Violations()
        n = sv.number(v, "milestone_number", c.number)
        e = await visible(self._repo, v, c.engagement_id, cause.actor)
        party = _side(e, cause)
        sv.check_off(v, c.note, c.artifact, student=party is Party.STUDENT)
        v.raise_if_any()
        m = schedule.milestone(e, n)
        if m is None:
            raise ScheduleItemNotFound(e.id, "milestone", n)
        now = self._clock.now()
        done, events = schedule.check_off(
            e, m, party, cause.actor.subject, now, c.note.strip(), c.artifact
        )
        await self._repo.save(e, events, cause)
        metrics.MILESTONES_CHECKED_OFF.labels(party.value.lower()).inc()
        return e, done


def _side(e: Engagement, cause: Cause) -> Party:
    """The intern or the company's staff (others who can see it: PermissionDenied)."""
    try:
        return dispute_access.side(cause.actor, e.student_id, e.company_id)
    except NotAllowed:
        raise NotAllowed("only the intern and the employer manage the engagement's time") from None
