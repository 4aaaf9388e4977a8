"""Applications and the local view of postings: pure rules, no I/O, no protobuf."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from applications.domain import errors


class Status(enum.StrEnum):
    """Where an application is in its lifecycle."""

    SUBMITTED = "SUBMITTED"
    SHORTLISTED = "SHORTLISTED"
    HIRED = "HIRED"
    REJECTED = "REJECTED"
    WITHDRAWN = "WITHDRAWN"


WAITING = frozenset({Status.SUBMITTED, Status.SHORTLISTED})
# How long a hire that started blocks the student's withdrawal and the employer's rejection.
# A hire takes milliseconds; this only matters if its process died midway.
HIRE_IN_PROGRESS = timedelta(seconds=60)


class PostingStatus(enum.StrEnum):
    """The posting statuses this service cares about (names as in posting.proto)."""

    UNSPECIFIED = "UNSPECIFIED"
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    FILLED = "FILLED"
    COMPLETED = "COMPLETED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


# Statuses in which a posting no longer takes candidates, and the reason every application still
# waiting is rejected with. COMPLETED only follows FILLED or CLOSED, so nobody should still be
# waiting then; if its event overtook them, "posting_closed" is the honest answer.
CLOSURE_REASONS: dict[PostingStatus, str] = {
    PostingStatus.FILLED: "posting_filled",
    PostingStatus.CLOSED: "posting_closed",
    PostingStatus.CANCELLED: "posting_cancelled",
    PostingStatus.EXPIRED: "posting_expired",
    PostingStatus.COMPLETED: "posting_closed",
}


class Visibility(enum.StrEnum):
    """Who may see an open posting."""

    UNSPECIFIED = "UNSPECIFIED"
    PUBLIC = "PUBLIC"
    UNIVERSITIES = "UNIVERSITIES"


@dataclass(frozen=True)
class Actor:
    """Who caused it: a caller, or the platform itself (empty subject, role "system")."""

    subject: str
    role: str
    org: str
    correlation_id: str
    causation_id: str = ""

    @classmethod
    def system(cls, correlation_id: str, causation_id: str) -> Actor:
        return cls("", "system", "", correlation_id, causation_id)


@dataclass(frozen=True)
class Money:
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class PostingView:
    """What this service knows of a posting, from the snapshots its events carry.

    `source_version` is the posting's own version (monotonic projection); `version` is this
    document's optimistic-concurrency version. `hired_application_ids` are the hires decided
    here: the hire decision and its CandidateHired event are one write to this document.
    `category` and `ai_policy` are the shared enums' numbers, passed through unchanged.
    """

    id: str
    company_id: str
    title: str
    status: PostingStatus
    visibility: Visibility
    approved_universities: frozenset[str]
    application_deadline: datetime | None
    due_date: datetime | None
    positions: int
    fee: Money
    acceptance_criteria: tuple[str, ...]
    ai_policy: int
    category: int
    skills: tuple[str, ...]
    estimated_hours: int
    source_version: int
    hired_application_ids: tuple[str, ...] = ()
    version: int = 0

    def newer_than(self, current: PostingView | None) -> bool:
        """Whether this snapshot should replace `current` (redeliveries and stragglers not)."""
        return current is None or self.source_version > current.source_version

    def succeeding(self, current: PostingView | None) -> PostingView:
        """This snapshot, keeping what only this service knows (hires, document version)."""
        if current is None:
            return self
        return replace(
            self, hired_application_ids=current.hired_application_ids, version=current.version
        )

    def visible_to(self, university_id: str) -> bool:
        if self.visibility is Visibility.PUBLIC:
            return True
        return bool(university_id) and university_id in self.approved_universities

    @property
    def closure_reason(self) -> str | None:
        """Why waiting applications must be rejected now, or None while it takes candidates."""
        return CLOSURE_REASONS.get(self.status)

    def check_accepts_application(self, university_id: str, now: datetime) -> None:
        """Raise unless a student of `university_id` may apply now."""
        if not self.visible_to(university_id) or self.status is PostingStatus.DRAFT:
            # Invisible postings do not exist for this student (no leak of their ids).
            raise errors.PostingNotFound(f"posting {self.id} not found")
        if self.status is not PostingStatus.OPEN:
            raise errors.PostingNotOpen(f"posting {self.id} is {self.status.lower()}")
        if self.application_deadline is not None and now >= self.application_deadline:
            raise errors.PostingNotOpen(f"the application deadline of {self.id} has passed")

    def with_hire(self, application_id: str) -> PostingView:
        """This view with one more hire; raises when no position is left."""
        if application_id in self.hired_application_ids:
            return self
        if self.status is not PostingStatus.OPEN:
            raise errors.NoOpenPosition(f"posting {self.id} is {self.status.lower()}")
        if len(self.hired_application_ids) >= self.positions:
            raise errors.NoOpenPosition(f"all {self.positions} positions of {self.id} are filled")
        return replace(self, hired_application_ids=(*self.hired_application_ids, application_id))


@dataclass(frozen=True)
class Application:
    """A student's application to one posting."""

    id: str
    posting_id: str
    company_id: str
    student_id: str
    university_id: str
    pitch: str
    links: tuple[str, ...]
    status: Status
    created_at: datetime
    updated_at: datetime
    decision_reason: str = ""
    decided_at: datetime | None = None
    hire_started_at: datetime | None = None
    version: int = 0
    automatic: bool = field(default=False, compare=False)

    @property
    def live_key(self) -> str:
        """Unique while the application is live: one per student and posting. A withdrawn
        application frees it (its own id takes the place, so the field is never missing)."""
        if self.status is Status.WITHDRAWN:
            return self.id
        return f"{self.posting_id}/{self.student_id}"

    def _decided(self, status: Status, now: datetime, reason: str = "") -> Application:
        return replace(
            self,
            status=status,
            decision_reason=reason,
            updated_at=now,
            decided_at=now,
            version=self.version + 1,
        )

    def shortlist(self, now: datetime) -> Application:
        if self.status is not Status.SUBMITTED:
            raise errors.WrongStatus(f"a {self.status.lower()} application cannot be shortlisted")
        return replace(self, status=Status.SHORTLISTED, updated_at=now, version=self.version + 1)

    def reject(self, reason: str, now: datetime, *, automatic: bool = False) -> Application:
        if self.status not in WAITING:
            raise errors.WrongStatus(f"a {self.status.lower()} application cannot be rejected")
        if not automatic:  # a closing posting refuses the pending hire itself (version check)
            self._check_no_hire_in_progress(now)
        return replace(self._decided(Status.REJECTED, now, reason), automatic=automatic)

    def withdraw(self, now: datetime) -> Application:
        if self.status not in WAITING:
            raise errors.WrongStatus(f"a {self.status.lower()} application cannot be withdrawn")
        self._check_no_hire_in_progress(now)
        return self._decided(Status.WITHDRAWN, now)

    def _check_no_hire_in_progress(self, now: datetime) -> None:
        if self.hire_started_at is not None and now - self.hire_started_at < HIRE_IN_PROGRESS:
            raise errors.WrongStatus("this candidate is being hired")

    def start_hire(self, now: datetime) -> Application:
        """Mark the hire as started before it is decided on the posting, so that a withdrawal
        or rejection cannot slip in between the hire's two writes."""
        self.check_hireable()
        return replace(self, hire_started_at=now, updated_at=now, version=self.version + 1)

    def hire_abandoned(self, now: datetime) -> Application:
        return replace(self, hire_started_at=None, updated_at=now, version=self.version + 1)

    def check_hireable(self) -> None:
        if self.status is not Status.SHORTLISTED:
            raise errors.WrongStatus(
                f"only shortlisted candidates can be hired; this one is {self.status.lower()}"
            )

    def hired(self, now: datetime) -> Application:
        """The application once its hire is committed on the posting. Not guarded: the hire
        is already decided and announced, so this state follows it unconditionally."""
        return replace(self._decided(Status.HIRED, now), hire_started_at=None)
