"""Who may do what (design.md §10): services enforce ownership themselves.

Roles come from the gateway's metadata. Reads of someone else's payout are NotFound, not
PermissionDenied, so ids do not leak; actions a role can never take are PermissionDenied.
"""

from __future__ import annotations

from payouts.domain.errors import PayoutNotFound
from payouts.domain.model import Payout
from stint.kit.errors import InvalidArgument, PermissionDenied, Unauthenticated
from stint.kit.grpc import Caller

STUDENT = "student"
EMPLOYER = "employer"


def require_known(caller: Caller) -> None:
    if caller.is_anonymous:
        raise Unauthenticated("no caller identity")


def require_admin(caller: Caller) -> None:
    require_known(caller)
    if not caller.is_admin:
        raise PermissionDenied("only platform operators may do this")


def require_student_or_admin(caller: Caller, student_id: str) -> str:
    """The student the request is about: the caller themselves, or any one for an admin."""
    require_known(caller)
    if caller.is_admin:
        if not student_id:
            raise InvalidArgument.of("student_id", "is required for admins")
        return student_id
    if caller.role != STUDENT:
        raise PermissionDenied("only students have payout accounts and earnings")
    if student_id and student_id != caller.subject:
        raise PermissionDenied("students may only act on their own account")
    return caller.subject


def may_see(caller: Caller, payout: Payout) -> bool:
    if caller.is_admin:
        return True
    if caller.role == STUDENT:
        return payout.student_id == caller.subject
    if caller.role == EMPLOYER:
        return bool(caller.org) and payout.company_id == caller.org
    return False


def visible(caller: Caller, payout: Payout | None, payout_id: str) -> Payout:
    require_known(caller)
    if payout is None or not may_see(caller, payout):
        raise PayoutNotFound(f"payout {payout_id} not found")
    return payout
