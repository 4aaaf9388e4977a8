"""The posting aggregate: its state and the lifecycle rules. Pure Python, no I/O.

DRAFT -> OPEN -> FILLED -> COMPLETED, plus CLOSED (no more applications; the company still
chooses among the waiting candidates until the decision deadline), CANCELLED (before any hire,
or every hired engagement was cancelled) and EXPIRED (decision deadline passed with no hire).
Every state change returns the new posting and the domain events it produces; the repository
persists both in one write. The values it is made of are in `values.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from postings.domain.errors import InvalidTransition
from postings.domain.events import DomainEvent, EventKind
from postings.domain.review import Review
from postings.domain.values import Decision, Status, Terms, UniversityTarget

# Fields an employer may still change once the posting is open (the rest is what applicants
# applied to; changing it under them would be unfair).
OPEN_EDITABLE = frozenset({"description", "skills", "application_deadline", "decision_deadline"})
# Why a posting whose hired engagements were all cancelled ends CANCELLED (not COMPLETED).
ENGAGEMENTS_CANCELLED = "every engagement was cancelled"


@dataclass(frozen=True)
class Posting:
    id: str
    company_id: str
    created_by: str
    terms: Terms
    universities: tuple[UniversityTarget, ...]
    status: Status
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    applications_count: int = 0
    # Application ids counted as hires (a hire counts once per application, whatever the
    # number of deliveries), and engagement ids that ended (completed or cancelled).
    hired_applications: tuple[str, ...] = ()
    finished_engagements: tuple[str, ...] = ()
    completed_count: int = 0
    version: int = 0
    # The company's display name when last saved, the platform's review (`domain.review`,
    # transitions in `domain.moderation`) and who flagged it (each caller counts once).
    company_name: str = ""
    review: Review | None = None
    flagged_by: tuple[str, ...] = ()
    # The decision deadline passed (the company no longer hires; applications answered).
    selection_over: bool = False

    @property
    def hired_count(self) -> int:
        return len(self.hired_applications)

    @property
    def expires_at(self) -> datetime | None:
        """The timer's due time: the application deadline while OPEN, the decision deadline
        while CLOSED and still choosing, else none."""
        if self.status is Status.OPEN:
            return self.terms.application_deadline
        if self.status is Status.CLOSED and not self.selection_over:
            return self.terms.decides_until
        return None

    @classmethod
    def draft(
        cls, posting_id: str, company_id: str, created_by: str, terms: Terms, now: datetime
    ) -> tuple[Posting, list[DomainEvent]]:
        targets = tuple(UniversityTarget(u) for u in terms.university_ids)
        posting = cls(posting_id, company_id, created_by, terms, targets, Status.DRAFT, now, now)
        return posting, [DomainEvent(EventKind.CREATED)]

    def _require(self, action: str, *allowed: Status) -> None:
        if self.status not in allowed:
            raise InvalidTransition(f"cannot {action} a posting that is {self.status.value}")

    def check_editable(self, names: tuple[str, ...]) -> None:
        """Raise unless fields `names` may change in this state (checked before validating
        the values, so a wrong-state edit is reported as such)."""
        self._require("update", Status.DRAFT, Status.OPEN)
        frozen = sorted(set(names) - OPEN_EDITABLE) if self.status is Status.OPEN else []
        if frozen:
            raise InvalidTransition(
                f"fields {', '.join(frozen)} cannot change once the posting is open"
            )

    def edit(
        self, terms: Terms, changed: tuple[str, ...], now: datetime
    ) -> tuple[Posting, list[DomainEvent]]:
        """Apply already validated `terms`; `changed` names the fields that differ."""
        self.check_editable(changed)
        if self.status is Status.OPEN:
            old, new = self.terms.application_deadline, terms.application_deadline
            if old is not None and new is not None and new < old:
                raise InvalidTransition("an open posting's deadline can only be extended")
        if not changed:
            return self, []
        targets = self.universities
        if terms.university_ids != self.terms.university_ids:
            kept = {t.university_id: t for t in self.universities}
            targets = tuple(kept.get(u, UniversityTarget(u)) for u in terms.university_ids)
        posting = replace(self, terms=terms, universities=targets, updated_at=now)
        return posting, [DomainEvent(EventKind.UPDATED, changed_fields=changed)]

    def publish(self, now: datetime) -> tuple[Posting, list[DomainEvent]]:
        self._require("publish", Status.DRAFT)
        posting = replace(self, status=Status.OPEN, published_at=now, updated_at=now)
        return posting, [DomainEvent(EventKind.PUBLISHED)]

    def close(self, now: datetime) -> tuple[Posting, list[DomainEvent]]:
        """Applications stop; the submitted and shortlisted candidates keep waiting for a
        decision until the decision deadline (the timer then ends the selection)."""
        self._require("close", Status.OPEN)
        closed = replace(self, status=Status.CLOSED, updated_at=now)
        return closed._end_selection_if_due(now, [DomainEvent(EventKind.CLOSED)])

    def cancel(self, reason: str, now: datetime) -> tuple[Posting, list[DomainEvent]]:
        self._require("cancel", Status.DRAFT, Status.OPEN, Status.CLOSED, Status.PENDING_REVIEW)
        if self.hired_count:
            raise InvalidTransition("cannot cancel a posting with hires")
        posting = replace(self, status=Status.CANCELLED, updated_at=now)
        return posting, [DomainEvent(EventKind.CANCELLED, reason=reason)]

    def decide(
        self, university_id: str, decision: Decision, reason: str, now: datetime
    ) -> tuple[Posting, list[DomainEvent]]:
        """A targeted university's career office approves or declines (it may change its
        mind; deciding the same way twice is a duplicate)."""
        self._require("review", Status.OPEN)
        current = next(t for t in self.universities if t.university_id == university_id)
        if current.decision is decision:
            raise InvalidTransition(f"already {decision.value.lower()} by {university_id}")
        decided = UniversityTarget(university_id, decision, reason, now)
        targets = tuple(decided if t is current else t for t in self.universities)
        kind = EventKind.APPROVED if decision is Decision.APPROVED else EventKind.DECLINED
        posting = replace(self, universities=targets, updated_at=now)
        return posting, [DomainEvent(kind, university_id=university_id, reason=reason)]

    def expire(self, now: datetime) -> tuple[Posting, list[DomainEvent]]:
        """The timer: past the application deadline an OPEN posting is CLOSED (actor system;
        the company still chooses); past the decision deadline a CLOSED one ends its selection.
        A stale or early timer changes nothing."""
        deadline = self.terms.application_deadline
        if self.status is Status.OPEN and deadline is not None and deadline <= now:
            return self.close(now)
        return self._end_selection_if_due(now, [])

    def _end_selection_if_due(
        self, now: datetime, events: list[DomainEvent]
    ) -> tuple[Posting, list[DomainEvent]]:
        """Past the decision deadline of a CLOSED posting: PostingDecisionDeadlinePassed (so
        applications answers everyone still waiting), then EXPIRED (PostingExpired) when nobody
        was hired, else it stays CLOSED and completes when the hired work ends."""
        decide = self.terms.decides_until
        if self.status is not Status.CLOSED or self.selection_over:
            return self, events
        if decide is None or decide > now:
            return self, events
        over = replace(self, selection_over=True, updated_at=now)
        passed = [*events, DomainEvent(EventKind.DECISION_DEADLINE_PASSED)]
        if not self.hired_count:
            return replace(over, status=Status.EXPIRED), [*passed, DomainEvent(EventKind.EXPIRED)]
        return over._settle(passed)

    def record_application(self, now: datetime) -> tuple[Posting, list[DomainEvent]]:
        """Count an application (no event: the counter rides on the next snapshot)."""
        return replace(self, applications_count=self.applications_count + 1, updated_at=now), []

    def record_hire(self, application_id: str, now: datetime) -> tuple[Posting, list[DomainEvent]]:
        """A hire is a fact from applications: always counted once per application. It fills
        an OPEN or CLOSED (or just EXPIRED, racing the timer) posting when hires reach
        positions; filling answers everyone still waiting."""
        if application_id in self.hired_applications:
            return self, []
        posting = replace(
            self, hired_applications=(*self.hired_applications, application_id), updated_at=now
        )
        if self.status in (Status.OPEN, Status.CLOSED, Status.EXPIRED):
            if posting.hired_count >= self.terms.positions:
                return replace(posting, status=Status.FILLED)._settle(
                    [DomainEvent(EventKind.FILLED)]
                )
            if self.status is Status.EXPIRED:  # a hire beat the timer: it is closed, not dead
                return replace(posting, status=Status.CLOSED)._settle(
                    [DomainEvent(EventKind.CLOSED)]
                )
        return posting._settle([])

    def record_engagement_end(
        self, engagement_id: str, completed: bool, now: datetime
    ) -> tuple[Posting, list[DomainEvent]]:
        """An engagement of this posting completed or was cancelled."""
        if engagement_id in self.finished_engagements:
            return self, []
        posting = replace(
            self,
            finished_engagements=(*self.finished_engagements, engagement_id),
            completed_count=self.completed_count + (1 if completed else 0),
            updated_at=now,
        )
        return posting._settle([])

    def _settle(self, events: list[DomainEvent]) -> tuple[Posting, list[DomainEvent]]:
        """Terminal once the selection is over (FILLED, or CLOSED past the decision deadline)
        and every hire's engagement ended: COMPLETED when at least one was completed, CANCELLED
        (PostingCancelled, reason ENGAGEMENTS_CANCELLED) when all were cancelled. Engagement
        ids are eng_<suffix of app id>, and the two arrive on different topics in any order,
        so both sides are compared by suffix."""
        choosing = self.status is Status.CLOSED and not self.selection_over
        if self.status not in (Status.FILLED, Status.CLOSED) or choosing:
            return self, events
        if not self.hired_applications:
            return self, events
        ended = {_suffix(e) for e in self.finished_engagements}
        if not all(_suffix(a) in ended for a in self.hired_applications):
            return self, events
        if not self.completed_count:
            return replace(self, status=Status.CANCELLED), [
                *events,
                DomainEvent(EventKind.CANCELLED, reason=ENGAGEMENTS_CANCELLED),
            ]
        return replace(self, status=Status.COMPLETED), [*events, DomainEvent(EventKind.COMPLETED)]


def _suffix(prefixed_id: str) -> str:
    return prefixed_id.split("_", 1)[-1]
