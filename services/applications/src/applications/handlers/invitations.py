"""Repeat hiring: a company invites a student who applied to or was hired by it before to
apply to a new posting."""

from __future__ import annotations

import logging

from applications import metrics
from applications.domain import access, errors
from applications.domain.invitation import (
    Invitation,
    InvitationStatus,
    InviteStudent,
    NotAFormerIntern,
    StudentInvited,
    invitation_key,
    invite,
)
from applications.handlers.ports import Deps
from applications.handlers.profiles import ProfileHandlers
from stint.kit.actor import ADMIN, EMPLOYER, STUDENT, Actor, Cause
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import PermissionDenied
from stint.kit.ids import new_id
from stint.kit.paging import Page, PageRequest

log = logging.getLogger(__name__)


class InvitationHandlers:
    """InviteStudent, ListInvitations, and accepting an invitation by applying."""

    def __init__(self, deps: Deps, profiles: ProfileHandlers) -> None:
        self._d = deps
        self._profiles = profiles

    async def invite(self, cmd: InviteStudent, cause: Cause) -> Invitation:
        """The posting's company invites a student who applied to or was hired by it before to
        its open posting (visible to them); emits StudentInvited (key: the invitation id).
        One per posting and student."""
        actor = cause.actor
        access.require_identity(actor)
        if actor.role not in (EMPLOYER, ADMIN):
            raise PermissionDenied("only the posting's company invites students")
        cmd.validate()
        posting = await self._d.postings.get(cmd.posting_id)
        if posting is None or not (actor.is_admin or actor.acts_for(posting.company_id)):
            raise errors.PostingNotFound(f"posting {cmd.posting_id} not found")
        university = await self._profiles.known_student_university(
            cmd.student_id, posting.company_id
        )
        if university is None:
            raise NotAFormerIntern(
                "only students who applied to or were hired by the company can be invited"
            )
        now = self._d.clock.now()
        inv = invite(new_id("ivt"), posting, cmd, university, actor, now)
        await self._d.invitations.add(inv, [StudentInvited(inv, cause)])
        metrics.INVITATIONS_SENT.inc()
        log.info("student invited", extra={"invitation_id": inv.id, "posting_id": posting.id})
        return inv

    async def list(
        self, posting_id: str, student_id: str, page: PageRequest, actor: Actor
    ) -> Page[Invitation]:
        """Newest first: a posting's (its company's employers, admins), a student's own."""
        access.require_identity(actor)
        if actor.role == STUDENT:
            if student_id and student_id != actor.subject:
                return Page([])
            student_id = actor.subject
        elif actor.role not in (EMPLOYER, ADMIN):
            raise PermissionDenied(f"role {actor.role} cannot list invitations")
        elif posting_id or not actor.is_admin:
            # A posting's list, like every sub-resource: unknown or another company's is 404.
            posting = await self._d.postings.get(posting_id) if posting_id else None
            if posting is None or not (actor.is_admin or actor.acts_for(posting.company_id)):
                raise errors.PostingNotFound(f"posting {posting_id or '(none)'} not found")
        rows = await self._d.invitations.find(posting_id, student_id, page)
        return Page.of(rows, page, lambda inv: inv.id)

    async def accept(self, posting_id: str, student_id: str) -> Invitation | None:
        """Consumes nothing, emits nothing: applying to a posting one was invited to marks the
        invitation ACCEPTED (idempotent; None when there was none)."""

        async def attempt() -> Invitation | None:
            inv = await self._d.invitations.by_key(invitation_key(posting_id, student_id))
            if inv is None or inv.status is InvitationStatus.ACCEPTED:
                return inv
            new = inv.accepted(self._d.clock.now())
            await self._d.invitations.save(new, inv.version)
            return new

        return await retry_on_conflict(attempt, attempts=self._d.write_attempts)
