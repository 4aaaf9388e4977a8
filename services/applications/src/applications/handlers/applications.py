"""Use cases of students and employers on applications (everything but the hire)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from applications import metrics
from applications.domain import access, commands, errors
from applications.domain import events as ev
from applications.domain.model import Application
from applications.domain.posting import PostingView
from applications.handlers.catch_up import posting_to_apply
from applications.handlers.closure import Closure
from applications.handlers.invitations import InvitationHandlers
from applications.handlers.ports import Deps
from applications.handlers.profiles import ProfileHandlers
from stint.kit.actor import EMPLOYER, Actor, Cause
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import PermissionDenied
from stint.kit.ids import new_id
from stint.kit.paging import Page


class ApplicationHandlers:
    """Submit, withdraw, shortlist, reject, get and list."""

    def __init__(
        self,
        deps: Deps,
        closure: Closure,
        profiles: ProfileHandlers,
        invitations: InvitationHandlers,
    ) -> None:
        self._d = deps
        self._closure = closure
        self._profiles = profiles
        self._invitations = invitations

    async def submit(self, cmd: commands.SubmitApplication, cause: Cause) -> Application:
        """Create an application to an open, visible posting; emits ApplicationSubmitted. It
        carries the student's and the company's names as they are now, and accepts the
        student's invitation to the posting, if any."""
        actor = cause.actor
        access.require_identity(actor)
        cmd.validate(self._d.limits)
        if not access.may_apply(actor):
            raise PermissionDenied("only students apply to postings")
        posting = await posting_to_apply(self._d, cmd.posting_id, actor.org)
        now = self._d.clock.now()
        posting.check_accepts_application(actor.org, now)
        name = await self._profiles.name_of(actor.subject)
        app = posting.application_from(new_id("app"), actor, cmd.pitch, cmd.links, now, name)
        submitted = ev.ApplicationChanged(ev.Kind.SUBMITTED, app, posting.title, cause)
        await self._d.applications.add(app, [submitted])
        metrics.APPLICATIONS_SUBMITTED.inc()
        await self._invitations.accept(posting.id, actor.subject)
        # A closure that scanned just before this insert landed would miss it; re-reading the
        # projection after the insert closes that gap (one of the two sees the other's write).
        latest = await self.posting(posting.id)
        if latest.closure_reason:
            return await self._closure.answer(app.id, latest, Cause.system(cause.correlation_id))
        return app

    async def withdraw(self, application_id: str, cause: Cause) -> Application:
        """The student takes back a waiting application; emits ApplicationWithdrawn."""
        return await self._decide(
            application_id, cause, access.may_withdraw, ev.Kind.WITHDRAWN, Application.withdraw
        )

    async def shortlist(self, application_id: str, cause: Cause) -> Application:
        """The company shortlists a submitted application; emits ApplicationShortlisted."""
        return await self._decide(
            application_id, cause, access.may_decide, ev.Kind.SHORTLISTED, Application.shortlist
        )

    async def reject(self, application_id: str, reason: str, cause: Cause) -> Application:
        """The company turns a waiting application down; emits ApplicationRejected."""
        commands.check_reason(reason, self._d.limits)
        return await self._decide(
            application_id,
            cause,
            access.may_decide,
            ev.Kind.REJECTED,
            lambda app, now: app.reject(reason.strip(), now),
        )

    async def get(self, application_id: str, actor: Actor) -> Application:
        """One application the caller may see."""
        return await self.visible(application_id, actor)

    async def list(self, f: commands.ListFilter, actor: Actor) -> Page[Application]:
        """A page of the applications the caller may see, newest first. Listed by posting, an
        unknown posting, or another company's for an employer, is NotFound (not an empty page:
        another tenant's posting is 404 on every sub-resource)."""
        access.require_identity(actor)
        if f.posting_id:
            posting = await self._d.postings.get(f.posting_id)
            others = (
                actor.role == EMPLOYER and posting is not None and posting.company_id != actor.org
            )
            if posting is None or others:
                raise errors.PostingNotFound(f"posting {f.posting_id} not found")
        scoped = access.scoped(f, actor)
        if scoped is None:
            return Page([])
        rows = await self._d.applications.find(scoped)
        return Page.of(rows, scoped.page, lambda app: app.id)

    async def visible(self, application_id: str, actor: Actor) -> Application:
        """Load an application the caller may see; NotFound for any other (no id leaks)."""
        access.require_identity(actor)
        commands.check_application_id(application_id)
        app = await self._d.applications.get(application_id)
        if app is None or not access.can_see(app, actor):
            raise errors.ApplicationNotFound(f"application {application_id} not found")
        return app

    async def posting(self, posting_id: str) -> PostingView:
        posting = await self._d.postings.get(posting_id)
        if posting is None:
            raise errors.PostingNotFound(f"posting {posting_id} not found")
        return posting

    async def _decide(
        self,
        application_id: str,
        cause: Cause,
        allowed: Callable[[Application, Actor], bool],
        kind: ev.Kind,
        change: Callable[[Application, datetime], Application],
    ) -> Application:
        async def attempt() -> Application:
            app = await self.visible(application_id, cause.actor)
            if not allowed(app, cause.actor):
                raise PermissionDenied(f"you may not mark this application {kind}")
            posting = await self.posting(app.posting_id)
            if app.id in posting.hired_application_ids:
                raise errors.WrongStatus("this candidate has been hired")
            if kind is ev.Kind.SHORTLISTED:  # rejecting or withdrawing still answers it
                posting.check_still_approved(app.university_id)
            new = change(app, self._d.clock.now())
            event = ev.ApplicationChanged(
                kind, new, posting.title, cause, reason=new.decision_reason
            )
            await self._d.applications.save(new, app.version, [event])
            return new

        decided = await retry_on_conflict(attempt, attempts=self._d.write_attempts)
        metrics.APPLICATION_DECISIONS.labels(str(decided.status), "false").inc()
        return decided
