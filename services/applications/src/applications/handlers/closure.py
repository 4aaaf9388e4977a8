"""Making application documents follow decisions taken on the posting projection.

Two things are decided on the projection document and only then reflected on applications:
a hire (its CandidateHired is committed with the projection's hired list), and a posting that
stopped taking candidates (every waiting application must get an answer). Both are repeated
safely: each application's write is version-checked and guarded by its status.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from applications import metrics
from applications.domain import errors
from applications.domain import events as ev
from applications.domain.model import WAITING, Application, Status
from applications.domain.posting import APPROVAL_WITHDRAWN, PostingView
from applications.handlers.ports import Deps
from stint.kit.actor import Cause
from stint.kit.conflicts import retry_on_conflict

BATCH = 100
log = logging.getLogger(__name__)


class Closure:
    """Answers waiting applications of closed postings; completes committed hires."""

    def __init__(self, deps: Deps) -> None:
        self._d = deps

    async def close_waiting(self, posting: PostingView, cause: Cause) -> int:
        """Answer every application of `posting` still waiting; returns how many were changed.

        Rejected ones get ApplicationRejected (automatic, reason from the posting's status);
        ones already hired on the projection become HIRED instead.
        """
        changed, after = 0, ""
        while batch := await self._d.applications.waiting_for_posting(posting.id, after, BATCH):
            for app in batch:
                await self.answer(app.id, posting, cause)
                changed += 1
            after = batch[-1].id
        if changed:
            log.info(
                "answered waiting applications of a closed posting",
                extra={"posting_id": posting.id, "status": str(posting.status), "count": changed},
            )
        return changed

    async def close_withdrawn(self, posting: PostingView, cause: Cause) -> int:
        """Answer every waiting application whose student's university no longer approves the
        posting (declined after approving it); returns how many were changed. Safe to repeat
        on every event of a university-aimed posting: answered ones are not waiting."""
        changed, after = 0, ""
        while batch := await self._d.applications.waiting_for_posting(posting.id, after, BATCH):
            for app in batch:
                if posting.withdrawn_for(app.university_id):
                    await self.answer(app.id, posting, cause, APPROVAL_WITHDRAWN)
                    changed += 1
            after = batch[-1].id
        if changed:
            log.info(
                "answered applications of a university that declined the posting",
                extra={"posting_id": posting.id, "count": changed},
            )
        return changed

    async def answer(
        self, application_id: str, posting: PostingView, cause: Cause, why: str = ""
    ) -> Application:
        """Reject one waiting application of a closed posting, or (`why`) one its university
        no longer approves; a hire committed on the projection is completed instead."""
        reason = why or posting.closure_reason
        if reason is None:
            raise ValueError(f"posting {posting.id} still takes candidates")
        if application_id in posting.hired_application_ids:
            return await self.complete_hire(application_id, self._d.clock.now())

        async def attempt() -> Application:
            app = await self.load(application_id)
            if app.status not in WAITING:
                return app  # answered already (redelivery, or a decision won the race)
            rejected = app.reject(reason, self._d.clock.now(), automatic=True)
            event = ev.ApplicationChanged(
                ev.Kind.REJECTED, rejected, posting.title, cause, reason=reason, automatic=True
            )
            await self._d.applications.save(rejected, app.version, [event])
            metrics.APPLICATION_DECISIONS.labels(str(Status.REJECTED), "true").inc()
            return rejected

        return await retry_on_conflict(attempt, attempts=self._d.write_attempts)

    async def complete_hire(
        self, application_id: str, hired_at: datetime, known: Application | None = None
    ) -> Application:
        """Mark the application HIRED once its hire is committed on the projection (no event:
        CandidateHired left with the projection write). Idempotent. `known`: the application
        as the caller just wrote it, used instead of a reload on the first try."""
        return await self.until_hired(application_id, lambda app: app.hired(hired_at), known)

    async def until_hired(
        self,
        application_id: str,
        change: Callable[[Application], Application],
        known: Application | None = None,
    ) -> Application:
        """Apply `change` (a step of the hire: it publishes nothing) unless the application is
        HIRED already; returns it as stored. `known`: the application just loaded or written,
        used instead of a reload on the first try (reloaded only after a lost race)."""
        first = known

        async def attempt() -> Application:
            nonlocal first
            app, first = first or await self.load(application_id), None
            if app.status is Status.HIRED:
                return app
            changed = change(app)
            await self._d.applications.save(changed, app.version)
            return changed

        return await retry_on_conflict(attempt, attempts=self._d.write_attempts)

    async def load(self, application_id: str) -> Application:
        app = await self._d.applications.get(application_id)
        if app is None:
            raise errors.ApplicationNotFound(f"application {application_id} not found")
        return app
