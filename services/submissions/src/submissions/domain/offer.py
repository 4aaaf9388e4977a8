"""The offer aggregate: after a completed engagement, the employer offers the intern an
internship or a job, and the intern accepts or declines it.

Pure Python: no I/O, no protobuf. One offer per engagement, id ``ofr_<suffix of eng_…>``:

    OPEN ──accept (the intern)──> ACCEPTED
      ├───decline (the intern, optional reason)──> DECLINED ──┐
      └───withdraw (the employer)──> WITHDRAWN ───────────────┴──make again──> OPEN

Decision: a declined or withdrawn offer may be replaced by a new one (the employer improves
the terms, or corrects a mistake): the same document (same id) is made OPEN again with the
new terms and emits OfferMade again; the previous answer stays in the events. While OPEN or
ACCEPTED a second offer is ALREADY_EXISTS.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from stint.kit.errors import AlreadyExists
from stint.kit.ids import suffix
from stint.kit.money import Money
from submissions.domain import events as ev
from submissions.domain.errors import WrongState
from submissions.domain.values import Status

if TYPE_CHECKING:
    from submissions.domain.model import Engagement


class OfferKind(StrEnum):
    INTERNSHIP = "INTERNSHIP"
    PART_TIME = "PART_TIME"
    FULL_TIME = "FULL_TIME"


class OfferStatus(StrEnum):
    OPEN = "OPEN"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


REPLACEABLE = (OfferStatus.DECLINED, OfferStatus.WITHDRAWN)


@dataclass(frozen=True)
class Terms:
    """What is offered; compensation is annual or total as the details say."""

    kind: OfferKind
    role_title: str
    details: str = ""
    start_date: datetime | None = None
    compensation: Money | None = None


@dataclass
class Offer:
    id: str
    engagement_id: str
    posting_id: str
    company_id: str
    company_name: str
    student_id: str
    student_name: str
    university_id: str
    category: str
    terms: Terms
    made_by: str
    made_at: datetime
    updated_at: datetime
    status: OfferStatus = OfferStatus.OPEN
    decline_reason: str = ""
    answered_at: datetime | None = None
    version: int = 0

    def snapshot(self) -> Offer:
        return copy.deepcopy(self)

    def remake(self, terms: Terms, by: str, now: datetime) -> list[ev.Event]:
        """A new offer in place of a declined or withdrawn one (ALREADY_EXISTS otherwise)."""
        if self.status not in REPLACEABLE:
            raise AlreadyExists(f"offer {self.id} is {self.status.value}: one per engagement")
        self.terms, self.made_by, self.made_at, self.updated_at = terms, by, now, now
        self.status, self.decline_reason, self.answered_at = OfferStatus.OPEN, "", None
        return [ev.OfferMade(self.snapshot())]

    def accept(self, now: datetime) -> list[ev.Event]:
        self._check_open("accept")
        self.status, self.answered_at, self.updated_at = OfferStatus.ACCEPTED, now, now
        return [ev.OfferAccepted(self.snapshot())]

    def decline(self, reason: str, now: datetime) -> list[ev.Event]:
        self._check_open("decline")
        self.status, self.answered_at, self.updated_at = OfferStatus.DECLINED, now, now
        self.decline_reason = reason
        return [ev.OfferDeclined(self.snapshot())]

    def withdraw(self, now: datetime) -> list[ev.Event]:
        self._check_open("withdraw")
        self.status, self.updated_at = OfferStatus.WITHDRAWN, now
        return [ev.OfferWithdrawn(self.snapshot())]

    def _check_open(self, action: str) -> None:
        if self.status is not OfferStatus.OPEN:
            raise WrongState(f"cannot {action} an offer that is {self.status.value}")


def offer_id(engagement_id: str) -> str:
    return f"ofr_{suffix(engagement_id)}"


def make(
    engagement: Engagement, terms: Terms, by: str, now: datetime
) -> tuple[Offer, list[ev.Event]]:
    """A first offer to the intern of a COMPLETED engagement (FAILED_PRECONDITION before)."""
    e = engagement
    if e.status is not Status.COMPLETED:
        raise WrongState(f"an offer follows a completed engagement; this one is {e.status.value}")
    offer = Offer(
        id=offer_id(e.id),
        engagement_id=e.id,
        posting_id=e.posting_id,
        company_id=e.company_id,
        company_name=e.company_name,
        student_id=e.student_id,
        student_name=e.student_name,
        university_id=e.university_id,
        category=e.category,
        terms=terms,
        made_by=by,
        made_at=now,
        updated_at=now,
    )
    return offer, [ev.OfferMade(offer.snapshot())]
