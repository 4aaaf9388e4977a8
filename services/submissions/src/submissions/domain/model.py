"""The engagement aggregate: a hired student's work on one posting, from start to ratings.
Pure Python: no I/O, no protobuf. Every state change is a method that checks the state machine,
mutates the aggregate and returns its domain events (each with a snapshot of the engagement).
A hire creates the engagement AWAITING_FUNDING: the work starts (ACTIVE, `EngagementStarted`)
only once the company's money is in escrow (`fund`); it is cancelled when `funding_due_at`
passes first. While DISPUTED (`domain/disputes.py`) nothing here moves it. Extensions and
milestones: `schedule.py`."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from stint.kit.money import Money
from submissions.domain import events as ev
from submissions.domain import timing
from submissions.domain.errors import DisputeOpen, RevisionLimitReached, WrongState
from submissions.domain.values import (
    AiPolicy,
    Artifact,
    CriterionResult,
    Decision,
    Extension,
    Feedback,
    IssuedRecord,
    Milestone,
    Party,
    Review,
    Status,
    Submission,
    Windows,
)

if TYPE_CHECKING:
    from submissions.domain.commands import Hire
    from submissions.domain.dispute import Dispute


__all__ = ["AiPolicy", "Artifact", "CriterionResult", "Decision", "Engagement", "Feedback"]
__all__ += ["IssuedRecord", "Party", "Review", "Status", "Submission", "Windows", "start"]

REVIEWABLE = (Status.SUBMITTED,)
CANCELLABLE = (Status.AWAITING_FUNDING, Status.ACTIVE, Status.SUBMITTED, Status.REVISION_REQUESTED)
SUBMITTABLE = (Status.ACTIVE, Status.REVISION_REQUESTED)
FUNDING_EXPIRED = "funding not received in time"


@dataclass
class Engagement:
    id: str
    application_id: str
    posting_id: str
    company_id: str
    student_id: str
    university_id: str
    title: str
    category: str
    skills: tuple[str, ...]
    estimated_hours: int
    fee: Money
    due_date: datetime | None
    acceptance_criteria: tuple[str, ...]
    ai_policy: AiPolicy
    revision_limit: int
    created_at: datetime
    started_at: datetime | None = None
    funding_due_at: datetime | None = None
    revisions_used: int = 0
    status: Status = Status.AWAITING_FUNDING
    submissions: list[Submission] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)
    feedback_revealed: bool = False
    review_due_at: datetime | None = None
    reveal_due_at: datetime | None = None
    overdue_notified: bool = False  # EngagementOverdue sent for the due date in force
    overdue: bool = False  # ACTIVE past the due date with nothing delivered
    overdue_at: datetime | None = None  # when it last became overdue
    extensions: list[Extension] = field(default_factory=list)  # schedule.py
    milestones: list[Milestone] = field(default_factory=list)
    cancel_reason: str = ""
    cancelled_by: Party | None = None
    kill_fee_percent: int = 0  # the posting's cancellation policy (cancellation.kill_fee)
    kill_fee: Money | None = None  # paid to the intern when the employer cancelled mid-work
    student_name: str = ""  # the names at the hire (from the application; "" when unknown)
    company_name: str = ""
    approved_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    record: IssuedRecord | None = None
    opening: Dispute | None = None  # opened here, its own document not written yet
    version: int = 0

    def snapshot(self) -> Engagement:
        return copy.deepcopy(self)

    @property
    def latest(self) -> Submission | None:
        return self.submissions[-1] if self.submissions else None

    def fund(self, now: datetime) -> list[ev.Event]:
        """The money is in escrow: the work starts (only while awaiting funding: a redelivery
        or funding after a cancellation changes nothing; after `funding_due_at`, it still does)."""
        if self.status is not Status.AWAITING_FUNDING:
            return []
        self.status, self.started_at, self.funding_due_at = Status.ACTIVE, now, None
        self.milestones = timing.scheduled(self.milestones, now)
        return [ev.EngagementStarted(self.snapshot())]

    def expire_funding(self, now: datetime) -> list[ev.Event]:
        """Cancel when the funding window passed unfunded; nothing when not (or no longer) due."""
        due = self.funding_due_at
        if self.status is not Status.AWAITING_FUNDING or due is None or now < due:
            return []
        return self.cancel(FUNDING_EXPIRED, now)

    def submit(self, submission: Submission, windows: Windows) -> list[ev.Event]:
        """Record a delivery (numbered from 1; a first one after the due date is late) and
        start the employer's review window; an unanswered extension request lapses."""
        self._check_undisputed()
        if self.status is Status.AWAITING_FUNDING:
            raise WrongState("the engagement is not funded yet")
        if self.status not in SUBMITTABLE:
            raise WrongState(f"cannot submit work to a {self.status.value} engagement")
        if not self.submissions and timing.is_late(self.due_date, submission.submitted_at):
            submission = dataclasses.replace(submission, late=True)
        self.extensions = timing.lapsed(self.extensions, submission.submitted_at)
        self.overdue = False
        self.submissions.append(submission)
        self.status = Status.SUBMITTED
        self.review_due_at = submission.submitted_at + windows.review
        return [ev.WorkSubmitted(self.snapshot(), submission.number)]

    def next_submission_number(self) -> int:
        return len(self.submissions) + 1

    def request_revision(self, review: Review) -> list[ev.Event]:
        """The employer asks for changes; `revision_limit` times, then approve or dispute."""
        self._check_reviewable(review.submission_number)
        if self.revisions_used >= self.revision_limit:
            raise RevisionLimitReached(
                f"all {self.revision_limit} revisions used: approve the work or open a dispute"
            )
        self.reviews.append(review)
        self.revisions_used += 1
        self.status = Status.REVISION_REQUESTED
        self.review_due_at = None
        return [ev.RevisionRequested(self.snapshot(), review.submission_number)]

    def is_approval_of(self, submission_number: int) -> bool:
        """Whether this engagement already approved that submission (a replayed approval)."""
        last = self.reviews[-1] if self.reviews else None
        return (
            self.status in (Status.APPROVED, Status.COMPLETED)
            and last is not None
            and last.submission_number == submission_number
        )

    def approve(self, review: Review, windows: Windows) -> list[ev.Event]:
        """Accept the latest submission (employer or auto): the intern is paid; completed."""
        self._check_reviewable(review.submission_number)
        self.reviews.append(review)
        self.status = Status.APPROVED
        self.approved_at = review.reviewed_at
        self.review_due_at = None
        auto = review.decision is Decision.AUTO_APPROVED
        approved = ev.SubmissionApproved(self.snapshot(), review.submission_number, auto)
        self.status = Status.COMPLETED
        self.completed_at = review.reviewed_at
        self.reveal_due_at = review.reviewed_at + windows.reveal
        return [approved, ev.EngagementCompleted(self.snapshot())]

    def auto_approve(self, now: datetime, windows: Windows) -> list[ev.Event]:
        """Approve the latest when the review window passed unreviewed (else nothing)."""
        latest = self.latest
        due = self.review_due_at
        if self.status is not Status.SUBMITTED or latest is None or due is None or now < due:
            return []
        review = Review(latest.number, Decision.AUTO_APPROVED, "", (), "", now)
        return self.approve(review, windows)

    def cancel(
        self, reason: str, now: datetime, by: Party = Party.PLATFORM, kill_fee: Money | None = None
    ) -> list[ev.Event]:
        """Who may cancel when, and the kill fee owed, are `cancellation`'s rules."""
        self._check_undisputed()
        if self.status not in CANCELLABLE:
            raise WrongState(f"cannot cancel a {self.status.value} engagement")
        self.status = Status.CANCELLED
        self.cancel_reason, self.cancelled_by, self.kill_fee = reason, by, kill_fee
        self.cancelled_at, self.overdue = now, False
        self.extensions = timing.lapsed(self.extensions, now)
        self.review_due_at = self.funding_due_at = None
        return [ev.EngagementCancelled(self.snapshot(), reason, kill_fee)]

    def _check_undisputed(self) -> None:
        if self.status is Status.DISPUTED:
            raise DisputeOpen()

    def _check_reviewable(self, submission_number: int) -> None:
        self._check_undisputed()
        if self.status not in REVIEWABLE:
            raise WrongState(f"nothing to review: the engagement is {self.status.value}")
        latest = self.latest
        if latest is None or submission_number != latest.number:
            number = latest.number if latest else 0
            raise WrongState(f"submission {submission_number} is not the latest ({number})")


def start(
    engagement_id: str, hire: Hire, revision_limit: int, now: datetime, windows: Windows
) -> Engagement:
    """A new engagement on the terms of a hire (its revision limit, else `revision_limit`),
    awaiting the company's funding."""
    return Engagement(
        id=engagement_id,
        application_id=hire.application_id,
        posting_id=hire.posting_id,
        company_id=hire.company_id,
        student_id=hire.student_id,
        university_id=hire.university_id,
        title=hire.title,
        category=hire.category,
        skills=hire.skills,
        estimated_hours=hire.estimated_hours,
        fee=hire.fee,
        due_date=hire.due_date,
        acceptance_criteria=hire.acceptance_criteria,
        ai_policy=hire.ai_policy,
        kill_fee_percent=hire.kill_fee_percent,
        student_name=hire.student_name,
        company_name=hire.company_name,
        revision_limit=hire.revision_limit or revision_limit,
        milestones=timing.planned(hire.milestones),
        created_at=now,
        funding_due_at=now + windows.funding,
    )
