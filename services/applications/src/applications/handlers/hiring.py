"""Hiring: the decision and its CandidateHired are one write to the posting projection."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from applications import metrics
from applications.domain import access, errors
from applications.domain import events as ev
from applications.domain.model import Actor, Application, Status
from applications.domain.posting import PostingView
from applications.handlers.applications import ApplicationHandlers
from applications.handlers.closure import Closure
from applications.handlers.ports import Deps
from stint.kit.errors import PermissionDenied, StintError

log = logging.getLogger(__name__)


class HiringHandlers:
    """HireCandidate, and the repair path that completes a hire from its own event."""

    def __init__(self, deps: Deps, apps: ApplicationHandlers, closure: Closure) -> None:
        self._d = deps
        self._apps = apps
        self._closure = closure

    async def hire(self, application_id: str, actor: Actor) -> tuple[Application, PostingView]:
        """Take one open position of the posting for a shortlisted candidate; emits
        CandidateHired (key: the application id) from the projection document's outbox.

        Three writes: mark the application (so no withdrawal or rejection slips in), decide on
        the projection (the version check makes two hires racing for the last position end in
        one CandidateHired; the loser reloads and gets NoOpenPosition), then mark it HIRED.
        """
        app = await self._apps.visible(application_id, actor)
        if not access.may_decide(app, actor):
            raise PermissionDenied("only the posting's company hires")
        now = self._d.clock.now()
        if app.status is not Status.HIRED:
            app = await self._mark(app, now)
        try:
            posting = await self._d.retrying(lambda: self._claim(app, actor, now))
        except errors.NoOpenPosition:
            metrics.HIRES_REFUSED.inc()
            await self._unmark(application_id, now)
            raise
        # If this process dies before the next write, consuming our own CandidateHired
        # (on_candidate_hired) completes it.
        return await self._closure.complete_hire(app.id, now, known=app), posting

    async def on_candidate_hired(self, application_id: str, hired_at: datetime) -> None:
        """Consumes CandidateHired from this service's own topic: the application becomes HIRED
        if the request that hired it did not get that far. Emits nothing."""
        await self._closure.complete_hire(application_id, hired_at)

    async def _mark(self, loaded: Application, now: datetime) -> Application:
        """Mark the hire as started, from the application just loaded (reloaded only after a
        lost race); returns it as stored."""
        first: Application | None = loaded

        async def attempt() -> Application:
            nonlocal first
            app, first = first or await self._closure.load(loaded.id), None
            if app.status is Status.HIRED:
                return app
            marked = app.start_hire(now)
            await self._d.repo.save_application(marked, app.version)
            return marked

        return await self._d.retrying(attempt)

    async def _claim(self, app: Application, actor: Actor, now: datetime) -> PostingView:
        posting = await self._d.repo.get_posting(app.posting_id)
        if posting is None:
            raise errors.PostingNotFound(f"posting {app.posting_id} not found")
        updated = posting.with_hire(app.id)
        if updated is posting:
            return posting  # already hired: a retried request, answered again
        event = ev.CandidateHired(app.hired(now), updated, now, actor)
        await self._d.repo.save_posting(updated, posting.version, [self._d.envelope(event)])
        metrics.HIRES.inc()
        log.info("candidate hired", extra={"application_id": app.id, "posting_id": posting.id})
        return updated

    async def _unmark(self, application_id: str, now: datetime) -> None:
        """Best effort: a mark left behind only delays withdrawals for HIRE_IN_PROGRESS."""

        async def attempt() -> None:
            app = await self._closure.load(application_id)
            if app.hire_started_at is not None and app.status is not Status.HIRED:
                await self._d.repo.save_application(app.hire_abandoned(now), app.version)

        with contextlib.suppress(StintError):
            await self._d.retrying(attempt)
