"""Who may do what (design.md §10): services enforce ownership themselves. Pure rules over the
kit's `Actor` (entrypoints make it from the verified gRPC caller).

Reads of someone else's payout are NotFound, not PermissionDenied, so ids do not leak; actions
a role can never take are PermissionDenied.
"""

from __future__ import annotations

from payouts.domain.errors import PayoutNotFound
from payouts.domain.model import Payout
from stint.kit.actor import EMPLOYER, STUDENT, Actor
from stint.kit.errors import InvalidArgument, PermissionDenied, Unauthenticated


def require_known(actor: Actor) -> None:
    if not actor.subject:
        raise Unauthenticated("no caller identity")


def require_admin(actor: Actor) -> None:
    require_known(actor)
    if not actor.is_admin:
        raise PermissionDenied("only platform operators may do this")


def require_student_or_admin(actor: Actor, student_id: str) -> str:
    """The student the request is about: the actor themselves, or any one for an admin."""
    require_known(actor)
    if actor.is_admin:
        if not student_id:
            raise InvalidArgument.of("student_id", "is required for admins")
        return student_id
    if actor.role != STUDENT:
        raise PermissionDenied("only students have payout accounts and earnings")
    if student_id and student_id != actor.subject:
        raise PermissionDenied("students may only act on their own account")
    return actor.subject


def may_see(actor: Actor, payout: Payout) -> bool:
    return may_see_party(actor, student_id=payout.student_id, company_id=payout.company_id)


def visible(actor: Actor, payout: Payout | None, payout_id: str) -> Payout:
    require_known(actor)
    if payout is None or not may_see(actor, payout):
        raise PayoutNotFound(f"payout {payout_id} not found")
    return payout


def list_scope(actor: Actor, student_id: str, company_id: str) -> tuple[str, str]:
    """The (student, company) a ListPayouts by `actor` is limited to: students see their own,
    employers their company's, admins any (and only admins may filter by either)."""
    require_known(actor)
    if actor.is_admin:
        return student_id, company_id
    if student_id or company_id:
        raise PermissionDenied("only admins may filter by student or company")
    if actor.role == STUDENT:
        return actor.subject, ""
    if actor.role == EMPLOYER and actor.org:
        return "", actor.org
    raise PermissionDenied("no payouts to show for this role")


def company_of(actor: Actor, company_id: str) -> str:
    """The company a funding-method request is about: the employer's own, or any for an
    admin (who must name it)."""
    require_known(actor)
    if actor.is_admin:
        if not company_id:
            raise InvalidArgument.of("company_id", "is required for admins")
        return company_id
    if actor.role != EMPLOYER or not actor.org:
        raise PermissionDenied("only employers fund their company's work")
    if company_id and company_id != actor.org:
        raise PermissionDenied("employers may only act for their own company")
    return actor.org


def may_see_party(actor: Actor, *, student_id: str, company_id: str) -> bool:
    # Payouts and fundings have no university party: career offices do not see the money.
    return actor.is_party(student=student_id, company=company_id)
