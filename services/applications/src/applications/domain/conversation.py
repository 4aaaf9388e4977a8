"""The conversation of one application: employer staff ⇄ applicant, into the engagement.

Pure Python: no I/O, no protobuf. One conversation per application, id ``cnv_<suffix of
app_…>``; it exists because the student applied (no thread without an application, so an
employer cannot message a student who did not apply). Its document holds the counters, the
read positions, the rate-limit window and the outbox; each message is its own document
(``<cnv>/<number>``, written right after the conversation's write; the newest one is kept on
the conversation as `latest` so that a crash between the two writes loses nothing).

Who writes: the student, the company's staff, admins only while the engagement is disputed.
A withdrawn or rejected application's thread is read-only. Messages are never edited or deleted.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from applications.domain.model import Application, Status
from stint.kit.actor import ADMIN, EMPLOYER, STUDENT, Actor, Cause
from stint.kit.errors import FailedPrecondition, NotFound, PermissionDenied, ResourceExhausted
from stint.kit.ids import suffix

CLOSED = frozenset({Status.WITHDRAWN, Status.REJECTED})


class Role(StrEnum):
    STUDENT = "student"
    EMPLOYER = "employer"
    ADMIN = "admin"


class DisputeState(StrEnum):
    NONE = ""
    OPEN = "open"
    RESOLVED = "resolved"


class ConversationNotFound(NotFound):
    """No such conversation, or not one the caller may see."""


class ConversationReadOnly(FailedPrecondition):
    """The application was withdrawn or rejected, or an admin writes outside a dispute."""


class RateLimited(ResourceExhausted):
    """The sender wrote too many messages in this conversation in the last window."""


@dataclass(frozen=True)
class RateLimit:
    messages: int = 20
    window: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class Artifact:
    name: str
    url: str
    sha256: str = ""


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    number: int
    author_subject: str
    author_role: Role
    text: str
    artifacts: tuple[Artifact, ...]
    created_at: datetime


@dataclass(frozen=True)
class Post:
    """A sender's recent message (the rate-limit window)."""

    author: str
    at: datetime


@dataclass
class Conversation:
    id: str
    application_id: str
    posting_id: str
    posting_title: str
    company_id: str
    company_name: str
    student_id: str
    student_name: str
    created_at: datetime
    updated_at: datetime
    engagement_id: str = ""
    message_count: int = 0
    last_message_at: datetime | None = None
    student_read_through: int = 0
    company_read_through: int = 0
    read_only: bool = False
    dispute: DisputeState = DisputeState.NONE
    recent: tuple[Post, ...] = ()
    latest: Message | None = None
    version: int = 0

    @classmethod
    def of(cls, app: Application, posting_title: str, now: datetime) -> Conversation:
        c = cls(
            conversation_id(app.id), app.id, app.posting_id, posting_title, app.company_id,
            app.company_name, app.student_id, app.student_name, now, now,
        )  # fmt: skip
        c.follow(app)
        return c

    def snapshot(self) -> Conversation:
        return copy.deepcopy(self)

    @property
    def disputed(self) -> bool:
        return self.dispute is DisputeState.OPEN

    @property
    def activity(self) -> datetime:
        return self.last_message_at or self.created_at

    @property
    def activity_key(self) -> str:
        """The list order (most recent activity first): the time to the millisecond, as the
        database stores times, then the id."""
        at = self.activity
        return f"{at.strftime('%Y%m%dT%H%M%S')}.{at.microsecond // 1000:03d}/{self.id}"

    def follow(self, app: Application) -> bool:
        """Take the application's state: hired → the engagement's id, withdrawn or rejected
        → read-only. Whether anything changed."""
        engagement = f"eng_{suffix(app.id)}" if app.status is Status.HIRED else self.engagement_id
        read_only = app.status in CLOSED
        changed = (engagement, read_only, app.student_name or self.student_name) != (
            self.engagement_id, self.read_only, self.student_name,
        )  # fmt: skip
        self.engagement_id, self.read_only = engagement, read_only
        self.student_name = app.student_name or self.student_name
        return changed

    def set_dispute(self, state: DisputeState, now: datetime) -> bool:
        """OPEN only from NONE, RESOLVED from anything: a redelivered DisputeOpened after the
        resolution changes nothing. Whether anything changed."""
        if state is self.dispute or (state is DisputeState.OPEN and self.dispute):
            return False
        self.dispute, self.updated_at = state, now
        return True

    def side(self, actor: Actor) -> Role:
        """The caller's side; NOT_FOUND for someone who may not see the thread."""
        if actor.role == STUDENT and actor.subject == self.student_id:
            return Role.STUDENT
        if actor.role == EMPLOYER and actor.acts_for(self.company_id):
            return Role.EMPLOYER
        if actor.role == ADMIN:
            return Role.ADMIN
        if actor.role in (STUDENT, EMPLOYER):
            raise ConversationNotFound(f"conversation {self.id} not found")
        raise PermissionDenied(f"role {actor.role or 'none'} has no conversations")

    def unread_for(self, actor: Actor) -> int:
        if actor.role == STUDENT and actor.subject == self.student_id:
            return self.message_count - self.student_read_through
        if actor.role == EMPLOYER and actor.acts_for(self.company_id):
            return self.message_count - self.company_read_through
        return 0

    def writable(self) -> bool:
        return not self.read_only

    def post(
        self, actor: Actor, message_id: str, text: str, artifacts: tuple[Artifact, ...],
        now: datetime, limit: RateLimit,
    ) -> Message:  # fmt: skip
        """A new message by the caller (the author has read up to it); refuses a read-only
        thread, an admin outside a dispute and a sender past the rate limit."""
        role = self.side(actor)
        if self.read_only:
            raise ConversationReadOnly("the application was withdrawn or rejected: read only")
        if role is Role.ADMIN and not self.disputed:
            raise ConversationReadOnly("admins write only while the engagement is disputed")
        recent = tuple(p for p in self.recent if p.at > now - limit.window)
        if sum(1 for p in recent if p.author == actor.subject) >= limit.messages:
            raise RateLimited(
                f"at most {limit.messages} messages per {int(limit.window.total_seconds())} s "
                "in one conversation"
            )
        self.message_count += 1
        msg = Message(
            message_id, self.id, self.message_count, actor.subject, role, text, artifacts, now
        )
        self.recent = (*recent, Post(actor.subject, now))
        self.latest, self.last_message_at, self.updated_at = msg, now, now
        self._read(role, self.message_count)
        return msg

    def mark_read(self, actor: Actor, through: int, now: datetime) -> bool:
        """The caller's side read up to `through` (never backwards); whether it moved."""
        role = self.side(actor)
        if role is Role.ADMIN:
            raise PermissionDenied("admins keep no read position")
        if self._read(role, through):
            self.updated_at = now
            return True
        return False

    def _read(self, role: Role, through: int) -> bool:
        if role is Role.STUDENT and through > self.student_read_through:
            self.student_read_through = through
            return True
        if role is Role.EMPLOYER and through > self.company_read_through:
            self.company_read_through = through
            return True
        return False


@dataclass(frozen=True)
class MessageCreated:
    """MessageCreated: the conversation after the message, and the message."""

    conversation: Conversation
    message: Message
    cause: Cause


def conversation_id(application_id: str) -> str:
    return f"cnv_{suffix(application_id)}"


def application_id(conversation_or_engagement_id: str) -> str:
    return f"app_{suffix(conversation_or_engagement_id)}"
