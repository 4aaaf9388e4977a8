"""The dispute aggregate: a disagreement about one engagement, settled by an admin.

Pure Python: no I/O, no protobuf. One dispute per engagement, id ``dsp_<suffix of eng_…>``.

    OPEN ──answer (the other side, before answer_due_at)──> AWAITING_DECISION ──resolve──> RESOLVED
      ├──answer deadline passed (timer, once)──────────────────^                  ^
      └──resolve (an admin may decide before the answer)──────────────────────────┘

Opening and settling also move the engagement (`domain/disputes.py`); the two live in different
documents, so each write that decides carries what the other document still has to do: the
engagement keeps the dispute it opened (`Engagement.opening`) until the dispute's document is
written, and a resolved dispute is `settled` only once the engagement has ended. Timers finish
either half after a crash (`repair_due_at`, `settle_due_at`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from stint.kit.money import Money
from submissions.domain import events as ev
from submissions.domain.errors import NotAllowed, WrongState
from submissions.domain.values import Party, Status

if TYPE_CHECKING:
    from submissions.domain.model import Engagement

# A half-done pair of writes is completed by a timer this long after the first write: long
# enough that the request that made it normally finishes it first.
REPAIR_AFTER = timedelta(minutes=1)


class DisputeStatus(StrEnum):
    OPEN = "OPEN"
    AWAITING_DECISION = "AWAITING_DECISION"
    RESOLVED = "RESOLVED"


class Reason(StrEnum):
    QUALITY = "QUALITY"
    NOT_DELIVERED = "NOT_DELIVERED"
    SCOPE = "SCOPE"
    APPROVAL_WITHHELD = "APPROVAL_WITHHELD"
    OTHER = "OTHER"


class Outcome(StrEnum):
    RELEASE_FULL = "RELEASE_FULL"
    PARTIAL_RELEASE = "PARTIAL_RELEASE"
    REFUND_FULL = "REFUND_FULL"


class EvidenceKind(StrEnum):
    SUBMISSION = "SUBMISSION"
    ARTIFACT = "ARTIFACT"
    MESSAGE = "MESSAGE"
    LINK = "LINK"


@dataclass(frozen=True)
class Evidence:
    kind: EvidenceKind
    reference: str
    note: str = ""


@dataclass(frozen=True)
class Statement:
    """One side's account: which side, who wrote it (subject), what, pointing at what."""

    party: Party
    author: str
    statement: str
    evidence: tuple[Evidence, ...]
    given_at: datetime


@dataclass(frozen=True)
class Resolution:
    """An admin's decision: `released` is paid to the intern, `refunded` (fee - released) goes
    back to the company."""

    outcome: Outcome
    released: Money
    refunded: Money
    decision: str
    resolved_by: str
    resolved_at: datetime


@dataclass
class Dispute:
    id: str
    engagement_id: str
    company_id: str
    student_id: str
    university_id: str
    fee: Money
    opened_by: Party
    reason: Reason
    claim: Statement
    opened_at: datetime
    answer_due_at: datetime
    engagement_status_before: Status
    status: DisputeStatus = DisputeStatus.OPEN
    answer: Statement | None = None
    resolution: Resolution | None = None
    # The engagement has ended as the resolution says (the second write of a resolution).
    settled: bool = False
    version: int = 0
    title: str = ""  # the engagement's, so every notice about it can name the project

    def snapshot(self) -> Dispute:
        return copy.deepcopy(self)

    @property
    def answering_party(self) -> Party:
        return Party.STUDENT if self.opened_by is Party.EMPLOYER else Party.EMPLOYER

    def give_answer(self, answer: Statement) -> list[ev.Event]:
        """The other side's account, while OPEN and before the deadline: an admin decides."""
        if answer.party is not self.answering_party:
            raise NotAllowed("only the other side answers a dispute")
        if self.status is not DisputeStatus.OPEN:
            raise WrongState(f"cannot answer a dispute that is {self.status.value}")
        if answer.given_at >= self.answer_due_at:
            raise WrongState("the answer deadline has passed: an admin decides now")
        self.answer = answer
        self.status = DisputeStatus.AWAITING_DECISION
        return [ev.DisputeAnswered(self.snapshot())]

    def escalate(self, now: datetime) -> list[ev.Event]:
        """The deadline passed unanswered: an admin decides (once; nothing when not due)."""
        if self.status is not DisputeStatus.OPEN or now < self.answer_due_at:
            return []
        self.status = DisputeStatus.AWAITING_DECISION
        return [ev.DisputeEscalated(self.snapshot())]

    def resolve(self, resolution: Resolution, engagement: Engagement) -> list[ev.Event]:
        """An admin's decision, while OPEN or AWAITING_DECISION; the engagement ends next."""
        if self.status is DisputeStatus.RESOLVED:
            raise WrongState("the dispute is already resolved")
        self.resolution = resolution
        self.status = DisputeStatus.RESOLVED
        return [ev.DisputeResolved(self.snapshot(), engagement)]

    def mark_settled(self) -> None:
        self.settled = True

    def escalation_due_at(self) -> datetime | None:
        return self.answer_due_at if self.status is DisputeStatus.OPEN else None

    def settle_due_at(self) -> datetime | None:
        """When the settlement timer ends the engagement if the resolver did not."""
        r = self.resolution
        return r.resolved_at + REPAIR_AFTER if r is not None and not self.settled else None
