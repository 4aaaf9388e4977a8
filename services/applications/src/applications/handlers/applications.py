"""Use cases of students and employers on applications (everything but the hire)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from applications import metrics
from applications.domain import access, commands, errors
from applications.domain import events as ev
from applications.domain.model import Actor, Application
from applications.domain.posting import PostingView
from applications.handlers.closure import Closure
from applications.handlers.ports import Deps
from stint.kit.errors import PermissionDenied
from stint.kit.ids import new_id


class ApplicationHandlers:
    """Submit, withdraw, shortlist, reject, get and list."""

    def __init__(self, deps: Deps, closure: Closure) -> None:
        self._d = deps
        self._closure = closure

    async def submit(self, cmd: commands.SubmitApplication, actor: Actor) -> Application:
        """Create an application to an open, visible posting; emits ApplicationSubmitted."""
        access.require_identity(actor)
        cmd.validate(self._d.limits)
        if actor.role != access.STUDENT:
            raise PermissionDenied("only students apply to postings")
        posting = await self._posting(cmd.posting_id)
        now = self._d.clock.now()
        posting.check_accepts_application(actor.org, now)
        app = posting.application_from(new_id("app"), actor, cmd.pitch, cmd.links, now)
        submitted = ev.ApplicationChanged(ev.Kind.SUBMITTED, app, posting.title, actor)
        await self._d.repo.add_application(app, [self._d.envelope(submitted)])
        metrics.APPLICATIONS_SUBMITTED.inc()
        # A closure that scanned just before this insert landed would miss it; re-reading the
        # projection after the insert closes that gap (one of the two sees the other's write).
        latest = await self._posting(posting.id)
        if latest.closure_reason:
            cause = Actor.system(actor.correlation_id, "")
            return await self._closure.answer(app.id, latest, cause)
        return app

    async def withdraw(self, application_id: str, actor: Actor) -> Application:
        """The student takes back a waiting application; emits ApplicationWithdrawn."""
        return await self._decide(
            application_id, actor, access.may_withdraw, ev.Kind.WITHDRAWN, Application.withdraw
        )

    async def shortlist(self, application_id: str, actor: Actor) -> Application:
        """The company shortlists a submitted application; emits ApplicationShortlisted."""
        return await self._decide(
            application_id, actor, access.may_decide, ev.Kind.SHORTLISTED, Application.shortlist
        )

    async def reject(self, application_id: str, reason: str, actor: Actor) -> Application:
        """The company turns a waiting application down; emits ApplicationRejected."""
        commands.check_reason(reason, self._d.limits)
        return await self._decide(
            application_id,
            actor,
            access.may_decide,
            ev.Kind.REJECTED,
            lambda app, now: app.reject(reason.strip(), now),
        )

    async def get(self, application_id: str, actor: Actor) -> Application:
        """One application the caller may see."""
        return await self.visible(application_id, actor)

    async def list(self, f: commands.ListFilter, actor: Actor) -> tuple[list[Application], str]:
        """A page of the applications the caller may see, and the last id when more may follow."""
        access.require_identity(actor)
        scoped = access.scoped(f, actor)
        if scoped is None:
            return [], ""
        page = await self._d.repo.list_applications(scoped)
        more = len(page) == scoped.page_size
        return page, page[-1].id if more else ""

    async def visible(self, application_id: str, actor: Actor) -> Application:
        """Load an application the caller may see; NotFound for any other (no id leaks)."""
        access.require_identity(actor)
        commands.check_application_id(application_id)
        app = await self._d.repo.get_application(application_id)
        if app is None or not access.can_see(app, actor):
            raise errors.ApplicationNotFound(f"application {application_id} not found")
        return app

    async def _decide(
        self,
        application_id: str,
        actor: Actor,
        allowed: Callable[[Application, Actor], bool],
        kind: ev.Kind,
        change: Callable[[Application, datetime], Application],
    ) -> Application:
        async def attempt() -> Application:
            app = await self.visible(application_id, actor)
            if not allowed(app, actor):
                raise PermissionDenied(f"you may not mark this application {kind}")
            posting = await self._posting(app.posting_id)
            if app.id in posting.hired_application_ids:
                raise errors.WrongStatus("this candidate has been hired")
            new = change(app, self._d.clock.now())
            event = ev.ApplicationChanged(
                kind, new, posting.title, actor, reason=new.decision_reason
            )
            await self._d.repo.save_application(new, app.version, [self._d.envelope(event)])
            return new

        decided = await self._d.retrying(attempt)
        metrics.APPLICATION_DECISIONS.labels(str(decided.status), "false").inc()
        return decided

    async def _posting(self, posting_id: str) -> PostingView:
        posting = await self._d.repo.get_posting(posting_id)
        if posting is None:
            raise errors.PostingNotFound(f"posting {posting_id} not found")
        return posting
