"""Who may see and change what (design.md §1): pure rules over the caller's identity."""

from __future__ import annotations

from dataclasses import replace

from applications.domain.commands import ListFilter
from applications.domain.model import Application
from stint.kit.actor import ADMIN, EMPLOYER, STUDENT, UNIVERSITY, Actor
from stint.kit.errors import PermissionDenied, Unauthenticated


def require_identity(actor: Actor) -> None:
    if not actor.subject or not actor.role:
        raise Unauthenticated("no caller identity came with the request")


def may_apply(actor: Actor) -> bool:
    return actor.role == STUDENT


def can_see(app: Application, actor: Actor) -> bool:
    """Students their own, employers their company's postings', universities their students'."""
    return actor.is_party(
        student=app.student_id, company=app.company_id, university=app.university_id
    )


def may_decide(app: Application, actor: Actor) -> bool:
    """Only the posting's company (or an operator) shortlists, rejects and hires."""
    return actor.is_admin or (actor.role == EMPLOYER and actor.acts_for(app.company_id))


def may_withdraw(app: Application, actor: Actor) -> bool:
    return actor.is_admin or (actor.role == STUDENT and actor.subject == app.student_id)


def scoped(f: ListFilter, actor: Actor) -> ListFilter | None:
    """`f` limited to what `actor` may see; None when the filters ask for someone else's."""
    if actor.role == ADMIN:
        return f
    if actor.role == STUDENT:
        if f.student_id and f.student_id != actor.subject:
            return None
        return replace(f, student_id=actor.subject)
    if actor.role == EMPLOYER and actor.org:
        return replace(f, company_id=actor.org)
    if actor.role == UNIVERSITY and actor.org:
        if f.university_id and f.university_id != actor.org:
            return None
        return replace(f, university_id=actor.org)
    raise PermissionDenied(f"role {actor.role or 'none'} cannot list applications")
