"""Hiring: the decision and its CandidateHired are one write to the posting projection."""

from __future__ import annotations

from datetime import datetime

from applications import metrics
from applications.domain import access, errors
from applications.domain import events as ev
from applications.domain.model import Actor, Application, PostingView, Status
from applications.handlers.applications import ApplicationHandlers
from applications.handlers.closure import Closure
from applications.handlers.ports import Deps
from stint.kit.errors import PermissionDenied


class HiringHandlers:
    """HireCandidate, and the repair path that completes a hire from its own event."""

    def __init__(self, deps: Deps, apps: ApplicationHandlers, closure: Closure) -> None:
        self._d = deps
        self._apps = apps
        self._closure = closure

    async def hire(self, application_id: str, actor: Actor) -> tuple[Application, PostingView]:
        """Take one open position of the posting for a shortlisted candidate; emits
        CandidateHired (key: the application id) from the projection document's outbox.

        Two hires racing for the last position: both write the projection under its version
        check, the loser reloads, sees it full and gets NoOpenPosition (FAILED_PRECONDITION).
        """
        app = await self._apps.visible(application_id, actor)
        if not access.may_decide(app, actor):
            raise PermissionDenied("only the posting's company hires")
        if app.status is not Status.HIRED:
            app.check_hireable()
        now = self._d.clock.now()

        async def claim() -> PostingView:
            posting = await self._d.repo.get_posting(app.posting_id)
            if posting is None:
                raise errors.PostingNotFound(f"posting {app.posting_id} not found")
            updated = posting.with_hire(app.id)
            if updated is posting:
                return posting  # already hired: a retried request, answered again
            event = ev.CandidateHired(app.hired(now), updated, now, actor)
            await self._d.repo.save_posting(updated, posting.version, [self._d.envelope(event)])
            metrics.HIRES.inc()
            return updated

        try:
            posting = await self._d.retrying(claim)
        except errors.NoOpenPosition:
            metrics.HIRES_REFUSED.inc()
            raise
        # The application follows in a second write; if this process dies first, consuming our
        # own CandidateHired (on_candidate_hired) completes it.
        return await self._closure.complete_hire(app.id, now), posting

    async def on_candidate_hired(self, application_id: str, hired_at: datetime) -> None:
        """Consumes CandidateHired from this service's own topic: the application becomes HIRED
        if the request that hired it did not get that far. Emits nothing."""
        await self._closure.complete_hire(application_id, hired_at)
