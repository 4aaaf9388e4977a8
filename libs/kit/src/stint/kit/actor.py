"""Who acts, in the domain's terms: roles, the actor, and the cause of a change.

Pure values (no protobuf, no gRPC): entrypoints turn the verified gRPC caller into an `Actor`
(`stint.kit.wire.actor_of`), handlers and domain rules decide with it, and a `Cause` travels
with every change into the events' `EventContext` (`stint.kit.wire.event_context`).
"""

from __future__ import annotations

from dataclasses import dataclass

STUDENT = "student"
EMPLOYER = "employer"
UNIVERSITY = "university"
ADMIN = "admin"
# The platform itself: timers, policies, consumers acting on an event.
SYSTEM = "system"
# What a token may carry (the gateway refuses other roles).
USER_ROLES = frozenset({STUDENT, EMPLOYER, UNIVERSITY, ADMIN})


@dataclass(frozen=True)
class Actor:
    """A JWT subject with its role and organisation (a company or university id, or "")."""

    subject: str
    role: str
    org: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def is_system(self) -> bool:
        return self.role == SYSTEM

    def acts_for(self, org: str) -> bool:
        """Whether this actor belongs to organisation `org` (never for an empty `org`)."""
        return bool(org) and self.org == org

    def is_party(self, *, student: str = "", company: str = "", university: str = "") -> bool:
        """Whether this actor is a party to a resource of these parties (or an admin): the
        student themself, staff of the company, the career office of the student's university.
        The one visibility rule of every service; cross-tenant reads then answer NOT_FOUND."""
        if self.is_admin:
            return True
        if self.role == STUDENT:
            return bool(student) and self.subject == student
        if self.role == EMPLOYER:
            return self.acts_for(company)
        if self.role == UNIVERSITY:
            return self.acts_for(university)
        return False


SYSTEM_ACTOR = Actor(subject="", role=SYSTEM)


@dataclass(frozen=True)
class Cause:
    """Who caused a change and what it belongs to: the request (`correlation_id`, the
    x-request-id) and, for a consumer's change, the event that caused it (`causation_id`)."""

    actor: Actor
    correlation_id: str = ""
    causation_id: str = ""

    @classmethod
    def system(cls, correlation_id: str = "", causation_id: str = "") -> Cause:
        """The platform acting on its own (a timer) or on an event (`causation_id`)."""
        return cls(SYSTEM_ACTOR, correlation_id, causation_id)
