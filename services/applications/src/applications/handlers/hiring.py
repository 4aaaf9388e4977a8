"""Hiring: the decision and its CandidateHired are one write to the posting projection."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace
from datetime import datetime

from applications import metrics
from applications.domain import access, errors
from applications.domain import events as ev
from applications.domain.model import Application, Status
from applications.domain.posting import PostingView
from applications.handlers.applications import ApplicationHandlers
from applications.handlers.closure import Closure
from applications.handlers.ports import Deps
from applications.handlers.profiles import ProfileHandlers
from stint.kit.actor import Cause
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import PermissionDenied, StintError

log = logging.getLogger(__name__)


class HiringHandlers:
    """HireCandidate, and the repair path that completes a hire from its own event."""

    def __init__(
        self, deps: Deps, apps: ApplicationHandlers, closure: Closure, profiles: ProfileHandlers
    ) -> None:
        self._d = deps
        self._apps = apps
        self._closure = closure
        self._profiles = profiles

    async def hire(self, application_id: str, cause: Cause) -> tuple[Application, PostingView]:
        """Take one open position of the posting for a shortlisted candidate; emits
        CandidateHired (key: the application id) from the projection document's outbox.

        Three writes: mark the application (so no withdrawal or rejection slips in), decide on
        the projection (the version check makes two hires racing for the last position end in
        one CandidateHired; the loser reloads and gets NoOpenPosition), then mark it HIRED.
        """
        app = await self._apps.visible(application_id, cause.actor)
        if not access.may_decide(app, cause.actor):
            raise PermissionDenied("only the posting's company hires")
        now = self._d.clock.now()
        if app.status is not Status.HIRED:
            # Mark the hire as started, from the application just loaded, with the student's
            # current name (CandidateHired and the engagement show it, not the one at apply).
            name = await self._profiles.name_of(app.student_id) or app.student_name
            app = await self._closure.until_hired(
                app.id, lambda a: replace(a.start_hire(now), student_name=name), app
            )
        try:
            posting = await retry_on_conflict(
                lambda: self._claim(app, cause, now), attempts=self._d.write_attempts
            )
        except (errors.NoOpenPosition, errors.ApprovalWithdrawn):
            metrics.HIRES_REFUSED.inc()
            await self._unmark(application_id, now)
            raise
        # If this process dies before the next write, consuming our own CandidateHired
        # (on_candidate_hired) completes it.
        return await self._closure.complete_hire(app.id, now, known=app), posting

    async def on_candidate_hired(self, application_id: str, hired_at: datetime) -> Application:
        """Consumes CandidateHired from this service's own topic: the application becomes HIRED
        if the request that hired it did not get that far; returns it as stored. Emits
        nothing."""
        return await self._closure.complete_hire(application_id, hired_at)

    async def _claim(self, app: Application, cause: Cause, now: datetime) -> PostingView:
        posting = await self._apps.posting(app.posting_id)
        if app.id not in posting.hired_application_ids:
            posting.check_still_approved(app.university_id)  # at the projection's version
        updated = posting.with_hire(app.id, now)
        if updated is posting:
            return posting  # already hired: a retried request, answered again
        event = ev.CandidateHired(app.hired(now), updated, now, cause)
        await self._d.postings.save(updated, posting.version, [event])
        metrics.HIRES.inc()
        log.info("candidate hired", extra={"application_id": app.id, "posting_id": posting.id})
        return updated

    async def _unmark(self, application_id: str, now: datetime) -> None:
        """Best effort: a mark left behind only delays withdrawals for HIRE_IN_PROGRESS."""

        async def attempt() -> None:
            app = await self._closure.load(application_id)
            if app.hire_started_at is not None and app.status is not Status.HIRED:
                await self._d.applications.save(app.hire_abandoned(now), app.version)

        with contextlib.suppress(StintError):
            await retry_on_conflict(attempt, attempts=self._d.write_attempts)
