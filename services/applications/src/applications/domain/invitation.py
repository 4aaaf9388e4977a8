"""Invitations (repeat hire): a company asks a student who applied to or was hired by it
before to apply to a new posting. Pure: no I/O, no protobuf."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from applications.domain import errors
from applications.domain.posting import PostingStatus, PostingView
from stint.kit.actor import Actor, Cause
from stint.kit.errors import FailedPrecondition, FieldViolation, InvalidArgument
from stint.kit.ids import is_id

MAX_MESSAGE_CHARS = 2000
MAX_STUDENT_ID_CHARS = 128


class InvitationStatus(enum.StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"


class NotAFormerIntern(FailedPrecondition):
    """The student never applied to (nor was hired by) the company: only students it knows
    are invited."""


@dataclass(frozen=True)
class InviteStudent:
    posting_id: str
    student_id: str
    message: str

    def validate(self) -> None:
        bad: list[FieldViolation] = []
        if not is_id(self.posting_id, "pst"):
            bad.append(FieldViolation("posting_id", "must be a pst_ id"))
        sid = self.student_id
        if not sid or len(sid) > MAX_STUDENT_ID_CHARS:
            bad.append(FieldViolation("student_id", f"1 to {MAX_STUDENT_ID_CHARS} characters"))
        if len(self.message) > MAX_MESSAGE_CHARS:
            bad.append(FieldViolation("message", f"at most {MAX_MESSAGE_CHARS} characters"))
        if bad:
            raise InvalidArgument("; ".join(f"{p.field}: {p.description}" for p in bad), bad)


@dataclass(frozen=True)
class Invitation:
    id: str
    posting_id: str
    posting_title: str
    company_id: str
    company_name: str
    student_id: str
    invited_by: str
    message: str
    status: InvitationStatus
    created_at: datetime
    updated_at: datetime
    version: int = 0

    @property
    def key(self) -> str:
        """Unique: one invitation per posting and student."""
        return invitation_key(self.posting_id, self.student_id)

    def accepted(self, now: datetime) -> Invitation:
        return replace(
            self, status=InvitationStatus.ACCEPTED, updated_at=now, version=self.version + 1
        )


def invitation_key(posting_id: str, student_id: str) -> str:
    return f"{posting_id}/{student_id}"


@dataclass(frozen=True)
class StudentInvited:
    invitation: Invitation
    cause: Cause


def invite(
    inv_id: str,
    posting: PostingView,
    cmd: InviteStudent,
    student_university: str,
    inviter: Actor,
    now: datetime,
) -> Invitation:
    """A new invitation to `posting`, which must be open (before its deadline) and visible to
    the student (their university: from their profile or their latest application)."""
    if posting.status is not PostingStatus.OPEN:
        raise errors.PostingNotOpen(f"posting {posting.id} is {posting.status.lower()}")
    if posting.application_deadline is not None and now >= posting.application_deadline:
        raise errors.PostingNotOpen(f"the application deadline of {posting.id} has passed")
    if not posting.visible_to(student_university):
        raise errors.PostingNotOpen(f"posting {posting.id} is not visible to this student")
    return Invitation(
        id=inv_id,
        posting_id=posting.id,
        posting_title=posting.title,
        company_id=posting.company_id,
        company_name=posting.company_name,
        student_id=cmd.student_id,
        invited_by=inviter.subject,
        message=cmd.message.strip(),
        status=InvitationStatus.PENDING,
        created_at=now,
        updated_at=now,
        version=1,
    )
