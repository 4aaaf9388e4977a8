"""Who may read a university's outcomes: its career office (org = the university) and admins.

Another university gets NOT_FOUND (ids do not leak); students and employers, who may never
read outcomes, get PERMISSION_DENIED.
"""

from __future__ import annotations

from stint.kit.actor import UNIVERSITY, Actor
from stint.kit.errors import NotFound, PermissionDenied


def check_may_read(actor: Actor, university_id: str) -> None:
    if actor.is_admin:
        return
    if actor.role != UNIVERSITY:
        raise PermissionDenied("only a university's career office and admins read outcomes")
    if not actor.acts_for(university_id):
        raise NotFound(f"university {university_id} not found")
