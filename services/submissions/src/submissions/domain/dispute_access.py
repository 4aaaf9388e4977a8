"""Who may do what to a dispute, over the kit's Actor (the engagement's rules: `access.py`).

Visibility is the engagement's: its student, the company's staff, the student's university and
admins; anyone else gets NotFound, so a dispute's existence does not leak. Acting is narrower:
the two sides open and answer, only an admin resolves (PermissionDenied for a viewer who may
not act).
"""

from __future__ import annotations

from stint.kit.actor import EMPLOYER, STUDENT, Actor
from submissions.domain.access import require_identity
from submissions.domain.dispute import Dispute
from submissions.domain.errors import DisputeNotFound, NotAllowed
from submissions.domain.values import Party


def check_visible(dispute: Dispute | None, ref: str, actor: Actor) -> Dispute:
    require_identity(actor)
    d = dispute
    if d is None or not actor.is_party(
        student=d.student_id, company=d.company_id, university=d.university_id
    ):
        raise DisputeNotFound(ref)
    return d


def side(actor: Actor, student_id: str, company_id: str) -> Party:
    """The side the caller speaks for: the hired intern or the company's staff."""
    if actor.role == STUDENT and actor.subject == student_id:
        return Party.STUDENT
    if actor.role == EMPLOYER and actor.acts_for(company_id):
        return Party.EMPLOYER
    raise NotAllowed("only the employer and the intern take part in a dispute")


def check_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise NotAllowed("only an admin resolves a dispute")
