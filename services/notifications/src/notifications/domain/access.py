"""Who may see what: the tenant an actor acts for, and whose inbox it reads.

Pure functions over the kit's `Actor`. Another tenant's endpoints and messages are not
forbidden but absent (the handlers answer NotFound), so nobody learns that they exist.
"""

from __future__ import annotations

from notifications.domain.errors import NotAnOwner
from notifications.domain.model import COMPANY, PLATFORM, UNIVERSITY, Owner
from stint.kit import actor as roles
from stint.kit.actor import Actor

# The tenant kind each role owns webhook endpoints for (admins: the platform).
_OWNER_KINDS = {roles.EMPLOYER: COMPANY, roles.UNIVERSITY: UNIVERSITY}


def owner_of(actor: Actor) -> Owner:
    """The tenant an actor acts for: employers for their company, universities for
    themselves, admins for the platform; nobody else owns endpoints."""
    if actor.is_admin:
        return Owner(PLATFORM, "")
    kind = _OWNER_KINDS.get(actor.role)
    if kind and actor.org:
        return Owner(kind, actor.org)
    raise NotAnOwner("only companies, universities and the platform own webhook endpoints")


def may_access(actor: Actor, owner: Owner) -> bool:
    """Whether the actor sees what `owner` owns: its own tenant's, or everything (admins)."""
    return actor.is_admin or owner_of(actor) == owner


def inbox_of(actor: Actor) -> str:
    """A student reads their own inbox; employer and university staff their organisation's."""
    if actor.role == roles.STUDENT and actor.subject:
        return f"student:{actor.subject}"
    if actor.role == roles.EMPLOYER and actor.org:
        return f"company:{actor.org}"
    if actor.role == roles.UNIVERSITY and actor.org:
        return f"university:{actor.org}"
    raise NotAnOwner("only students, companies and universities have an inbox")
