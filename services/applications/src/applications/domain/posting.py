"""The local view of postings, built from their events: pure rules, no I/O, no protobuf."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from applications.domain import errors
from applications.domain.model import Application, Status
from stint.kit.actor import Actor
from stint.kit.money import Money


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
    PENDING_REVIEW = "PENDING_REVIEW"  # waiting for the platform's review: nobody applies yet
    TAKEN_DOWN = "TAKEN_DOWN"


# Statuses in which a posting no longer takes candidates, and the reason every application still
# waiting is rejected with. CLOSED only stops applications: the company still chooses until the
# decision deadline (then DECISION_DEADLINE_PASSED). COMPLETED only follows the selection's end,
# so nobody should still be waiting then; if its event overtook them, "posting_closed" is the
# honest answer.
# The reason of an application answered because its university declined the posting after
# approving it.
APPROVAL_WITHDRAWN = "university_declined"
DECISION_DEADLINE_PASSED = "decision_deadline_passed"
CLOSURE_REASONS: dict[PostingStatus, str] = {
    PostingStatus.FILLED: "posting_filled",
    PostingStatus.CANCELLED: "posting_cancelled",
    PostingStatus.EXPIRED: "posting_expired",
    PostingStatus.TAKEN_DOWN: "posting_taken_down",
    PostingStatus.COMPLETED: "posting_closed",
}


class Visibility(enum.StrEnum):
    """Who may see an open posting."""

    UNSPECIFIED = "UNSPECIFIED"
    PUBLIC = "PUBLIC"
    UNIVERSITIES = "UNIVERSITIES"


@dataclass(frozen=True)
class MilestonePlan:
    """One of the posting's milestones, passed on to the engagement at the hire."""

    title: str
    due_offset_days: int
    deliverable: str = ""


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
    kill_fee_percent: int = 0  # the cancellation policy, passed on to the engagement
    company_name: str = ""  # the company's display name when the posting was last saved
    # Until when the company may hire after applications close (from the snapshot), and
    # whether the postings service said it passed (PostingDecisionDeadlinePassed; only ever
    # set, kept across later snapshots).
    decision_deadline: datetime | None = None
    decisions_over: bool = False
    revision_limit: int = 0  # the posting's (0: unknown, the engagement's default applies)
    milestones: tuple[MilestonePlan, ...] = ()  # passed on to the engagement

    def newer_than(self, current: PostingView | None) -> bool:
        """Whether this snapshot should replace `current` (redeliveries and stragglers not)."""
        return current is None or self.source_version > current.source_version

    def succeeding(self, current: PostingView | None) -> PostingView:
        """This snapshot, keeping what only this service knows (hires, document version)."""
        if current is None:
            return self
        return replace(
            self,
            hired_application_ids=current.hired_application_ids,
            version=current.version,
            decisions_over=self.decisions_over or current.decisions_over,
        )

    def visible_to(self, university_id: str) -> bool:
        if self.visibility is Visibility.PUBLIC:
            return True
        return bool(university_id) and university_id in self.approved_universities

    def withdrawn_for(self, university_id: str) -> bool:
        """Whether a student of `university_id` may no longer be considered: the posting is
        aimed at universities and theirs does not approve it (any more)."""
        return self.visibility is Visibility.UNIVERSITIES and not self.visible_to(university_id)

    def check_still_approved(self, university_id: str) -> None:
        if self.withdrawn_for(university_id):
            raise errors.ApprovalWithdrawn(
                "the student's university no longer approves this posting: the application "
                "was answered and takes no further decision"
            )

    @property
    def closure_reason(self) -> str | None:
        """Why waiting applications must be answered now, or None while the company still
        chooses (OPEN, or CLOSED before the decision deadline). A posting that EXPIRED at its
        decision deadline says so; one that expired before decision deadlines existed (no
        deadline in its snapshot) expired at its application deadline."""
        if self.status is PostingStatus.CLOSED:
            return DECISION_DEADLINE_PASSED if self.decisions_over else None
        if self.status is PostingStatus.EXPIRED and self.decision_deadline is not None:
            return DECISION_DEADLINE_PASSED
        return CLOSURE_REASONS.get(self.status)

    def check_hiring(self, now: datetime) -> None:
        """Raise unless the company may hire now: OPEN, or CLOSED before its decision
        deadline."""
        if self.status not in (PostingStatus.OPEN, PostingStatus.CLOSED):
            raise errors.NoOpenPosition(f"posting {self.id} is {self.status.lower()}")
        deadline = self.decision_deadline
        if self.decisions_over or (
            self.status is PostingStatus.CLOSED and deadline is not None and now >= deadline
        ):
            when = f" ({deadline.isoformat()})" if deadline else ""
            raise errors.DecisionDeadlinePassed(
                f"the decision deadline of posting {self.id} has passed{when}: it no longer "
                "hires, and the candidates still waiting are answered"
            )

    def check_accepts_application(self, university_id: str, now: datetime) -> None:
        """Raise unless a student of `university_id` may apply now."""
        unpublished = self.status in (PostingStatus.DRAFT, PostingStatus.PENDING_REVIEW)
        if not self.visible_to(university_id) or unpublished:
            # Invisible postings do not exist for this student (no leak of their ids).
            raise errors.PostingNotFound(f"posting {self.id} not found")
        if self.status is not PostingStatus.OPEN:
            raise errors.PostingNotOpen(f"posting {self.id} is {self.status.lower()}")
        if self.application_deadline is not None and now >= self.application_deadline:
            raise errors.PostingNotOpen(f"the application deadline of {self.id} has passed")

    def application_from(
        self,
        app_id: str,
        student: Actor,
        pitch: str,
        links: tuple[str, ...],
        now: datetime,
        student_name: str = "",
    ) -> Application:
        """A new application of `student` (their university: their org) to this posting,
        with the names as they are now (snapshots: later renames do not change it)."""
        return Application(
            id=app_id,
            posting_id=self.id,
            company_id=self.company_id,
            student_id=student.subject,
            university_id=student.org,
            pitch=pitch,
            links=links,
            status=Status.SUBMITTED,
            created_at=now,
            updated_at=now,
            version=1,
            student_name=student_name,
            company_name=self.company_name,
        )

    def with_hire(self, application_id: str, now: datetime) -> PostingView:
        """This view with one more hire; raises when it no longer hires (see check_hiring) or
        no position is left."""
        if application_id in self.hired_application_ids:
            return self
        self.check_hiring(now)
        if len(self.hired_application_ids) >= self.positions:
            raise errors.NoOpenPosition(f"all {self.positions} positions of {self.id} are filled")
        return replace(self, hired_application_ids=(*self.hired_application_ids, application_id))
