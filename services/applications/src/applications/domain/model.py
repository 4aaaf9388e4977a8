"""Applications: pure rules, no I/O, no protobuf (who acts: `stint.kit.actor`)."""

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
    # Snapshots when the student applied; the hire refreshes the student's name.
    student_name: str = ""
    company_name: str = ""

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
