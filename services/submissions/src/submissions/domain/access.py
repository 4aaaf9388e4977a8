"""Who may do what to an engagement (cross-tenant reads are NOT_FOUND), over the kit's Actor.

Visibility: the student, the company's staff, the student's university and admins. Acting is
narrower: each action belongs to one party; a party that can see the engagement but may not
act gets PermissionDenied, anyone else NotFound.
"""

from __future__ import annotations

from stint.kit.actor import EMPLOYER, STUDENT, UNIVERSITY, Actor
from stint.kit.errors import Unauthenticated
from submissions.domain.errors import EngagementNotFound, NotAllowed
from submissions.domain.model import Engagement, Party


def require_identity(actor: Actor) -> None:
    if not actor.subject or not actor.role:
        raise Unauthenticated("this call needs a caller identity")


def can_see(engagement: Engagement, actor: Actor) -> bool:
    e = engagement
    return actor.is_party(student=e.student_id, company=e.company_id, university=e.university_id)


def check_visible(engagement: Engagement | None, engagement_id: str, actor: Actor) -> Engagement:
    require_identity(actor)
    if engagement is None or not can_see(engagement, actor):
        raise EngagementNotFound(engagement_id)
    return engagement


def check_student(engagement: Engagement, actor: Actor) -> None:
    """Only the hired student (delivering work, fetching the record)."""
    if not (actor.role == STUDENT and actor.subject == engagement.student_id):
        raise NotAllowed("only the hired student may do this")


def check_employer(engagement: Engagement, actor: Actor, *, admin_too: bool) -> None:
    """The company's staff (reviews), and admins where `admin_too` (overrides)."""
    if actor.role == EMPLOYER and actor.acts_for(engagement.company_id):
        return
    if admin_too and actor.is_admin:
        return
    raise NotAllowed("only the employer may do this")


def party_of(engagement: Engagement, actor: Actor) -> Party:
    """Which side a rating comes from."""
    if actor.role == STUDENT and actor.subject == engagement.student_id:
        return Party.STUDENT
    if actor.role == EMPLOYER and actor.acts_for(engagement.company_id):
        return Party.EMPLOYER
    raise NotAllowed("only the student and the employer rate an engagement")


def list_scope(actor: Actor) -> dict[str, str]:
    """The filter a caller's list is always limited to (admins: none)."""
    require_identity(actor)
    if actor.is_admin:
        return {}
    if actor.role == STUDENT:
        return {"student_id": actor.subject}
    if actor.role == EMPLOYER and actor.org:
        return {"company_id": actor.org}
    if actor.role == UNIVERSITY and actor.org:
        return {"university_id": actor.org}
    raise NotAllowed(f"role {actor.role!r} cannot list engagements")
