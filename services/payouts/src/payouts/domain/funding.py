"""The funding of one engagement (pure): the company pays at hire, the money waits in escrow.

    (hire) AWAITING_FUNDING ──charge approved──> FUNDED ──approval──> RELEASED
                 │   ^                             ├──ended unapproved──> REFUNDED
                 │   └──declined / no method       └──kill fee, dispute: part of it──> SETTLED
                 └──ended before funding──> CANCELLED

SETTLED releases `released_fee` to the intern with the same share of the platform fee, and
refunds the rest of the total (`released_total` + `refund_total` = `total` in every state).

A charge is recorded as begun (`charging`, `attempts` + 1) before the provider is called, so a
crash repeats the same idempotency key and gets the first answer instead of charging twice.
The journal entries a funding needs are a function of its state (`escrow.plan`); `ledger_due_at`
is the repair timer for a crash between the write and the posting, as for payouts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from payouts.domain.errors import InvalidTransition
from payouts.domain.funding_method import Decline, FundingMethod, MethodKind
from payouts.domain.sponsor_part import SponsorPart

if TYPE_CHECKING:
    from payouts.domain.goodwill import Goodwill
from stint.kit.ids import suffix
from stint.kit.money import Money

FUNDING_PREFIX = "fnd"
__all__ = [
    "Decline",
    "Funding",
    "FundingEvent",
    "FundingEventKind",
    "FundingMethod",
    "FundingStatus",
    "MethodKind",
    "funding_id_for",
]


class FundingStatus(enum.StrEnum):
    AWAITING_FUNDING = "AWAITING_FUNDING"
    FUNDED = "FUNDED"
    RELEASED = "RELEASED"
    REFUNDED = "REFUNDED"
    CANCELLED = "CANCELLED"
    SETTLED = "SETTLED"  # part released to the intern, the rest refunded


class FundingEventKind(enum.StrEnum):
    SECURED = "secured"
    DECLINED = "declined"
    RELEASED = "released"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class FundingEvent:
    kind: FundingEventKind
    funding: Funding
    reason: str = ""


FundingTransition = tuple["Funding", list[FundingEvent]]


def funding_id_for(engagement_id: str) -> str:
    """The engagement's one funding: deterministic, so a redelivery finds it."""
    return f"{FUNDING_PREFIX}_{suffix(engagement_id)}"


@dataclass(frozen=True)
class Funding:
    id: str
    engagement_id: str
    application_id: str
    company_id: str
    student_id: str
    posting_title: str
    fee: Money
    platform_fee: Money
    status: FundingStatus
    created_at: datetime
    updated_at: datetime
    method: MethodKind | None = None
    attempts: int = 0
    charging: bool = False  # an attempt was begun and its answer is not recorded yet
    charge_due_at: datetime | None = None  # when a begun attempt is asked again (crash repair)
    decline: Decline | None = None
    provider: str = ""
    provider_reference: str = ""
    refund_reference: str = ""
    funded_at: datetime | None = None
    released_at: datetime | None = None
    refunded_at: datetime | None = None
    end_reason: str = ""
    released_fee: Money | None = None  # SETTLED: the share of the fee paid to the intern
    # When the company's money arrived: at the charge, or (invoice terms) when the payment of
    # the invoice was recorded (`invoice_terms.record_payment`); unset while it is due.
    paid_at: datetime | None = None
    paid_amount: Money | None = None
    payment_reference: str = ""
    net_days: int = 0  # invoice terms of the attempt: payment due this many days after issue
    payment_due_at: datetime | None = None
    # Sponsors: the part a sponsorship reserved at hire (the company is charged the rest);
    # `sponsor_refusal` says why while a sponsorship covers it but had no budget left: it is
    # not charged until the sponsor tops up or the company pays it all (`without_sponsor`).
    sponsor: SponsorPart | None = None
    sponsor_refusal: str = ""
    university_id: str = ""
    posting_id: str = ""
    goodwill: Goodwill | None = None  # an admin's refund of the platform fee (`goodwill.py`)
    ledger_due_at: datetime | None = None
    ledger_error: str = ""
    correlation_id: str = ""
    version: int = 0

    @property
    def total(self) -> Money:
        return Money(self.fee.amount_minor + self.platform_fee.amount_minor, self.fee.currency)

    @property
    def company_total(self) -> Money:
        """What the company is charged: the total less the sponsor's share."""
        share = self.sponsor.share.amount_minor if self.sponsor else 0
        return Money(self.total.amount_minor - share, self.fee.currency)

    @property
    def idempotency_key(self) -> str:
        """The provider key of the current attempt (a retry after a decline is a new one)."""
        return f"{self.id}.{self.attempts}"

    @property
    def refund_key(self) -> str:
        return f"{self.id}.refund"

    def _require(self, *allowed: FundingStatus, doing: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(f"funding {self.id} is {self.status.value}; cannot {doing}")

    def begin_charge(
        self, now: datetime, method: FundingMethod, repair_at: datetime
    ) -> FundingTransition:
        """Record the attempt before the provider is called; `repair_at` asks the provider
        again with the same key if its answer was never recorded."""
        self._require(FundingStatus.AWAITING_FUNDING, doing="charge it")
        begun = replace(
            self,
            attempts=self.attempts + 1,
            charging=True,
            charge_due_at=repair_at,
            method=method.kind,
            provider=method.provider,
            net_days=method.net_days if method.kind is MethodKind.INVOICE else 0,
            updated_at=now,
        )
        return begun, []

    def secured(self, now: datetime, reference: str) -> FundingTransition:
        """The charge was approved: in escrow (FundingSecured), its charge entry due. On
        invoice terms the escrow is held on credit: the invoice is due `net_days` later."""
        self._require(FundingStatus.AWAITING_FUNDING, doing="fund it")
        on_terms = self.method is MethodKind.INVOICE
        funded = replace(
            self,
            status=FundingStatus.FUNDED,
            charging=False,
            charge_due_at=None,
            decline=None,
            provider_reference=reference,
            funded_at=now,
            paid_at=None if on_terms else now,
            paid_amount=None if on_terms else self.company_total,
            payment_due_at=now + timedelta(days=self.net_days) if on_terms else now,
            updated_at=now,
            ledger_due_at=now,
        )
        return funded, [FundingEvent(FundingEventKind.SECURED, funded)]

    def declined(self, now: datetime, decline: Decline) -> FundingTransition:
        """Not funded (FundingDeclined): the work waits for a retry or another method."""
        self._require(FundingStatus.AWAITING_FUNDING, doing="decline it")
        waiting = replace(self, charging=False, charge_due_at=None, decline=decline, updated_at=now)
        return waiting, [FundingEvent(FundingEventKind.DECLINED, waiting, decline.message)]

    def release(self, now: datetime) -> FundingTransition:
        """The work was approved (FundingReleased): escrow settles the company's receivable."""
        self._require(FundingStatus.FUNDED, doing="release it")
        released = replace(
            self, status=FundingStatus.RELEASED, released_at=now, updated_at=now, ledger_due_at=now
        )
        return released, [FundingEvent(FundingEventKind.RELEASED, released)]

    def refund(
        self, now: datetime, reason: str, reference: str, released_fee: Money | None = None
    ) -> FundingTransition:
        """Ended unapproved after funding (FundingRefunded): escrow back to the company; with
        `released_fee` (0 < it < fee: a kill fee, a dispute's partial release) that share goes
        to the intern first (SETTLED: FundingReleased, then FundingRefunded)."""
        self._require(FundingStatus.FUNDED, doing="refund it")
        if released_fee is not None and not (
            released_fee.currency == self.fee.currency
            and 0 < released_fee.amount_minor < self.fee.amount_minor
        ):
            raise InvalidTransition(f"funding {self.id}: {released_fee} is not a part of the fee")
        partly = released_fee is not None
        refunded = replace(
            self,
            status=FundingStatus.SETTLED if partly else FundingStatus.REFUNDED,
            released_fee=released_fee,
            released_at=now if partly else None,
            refund_reference=reference,
            refunded_at=now,
            end_reason=reason,
            updated_at=now,
            ledger_due_at=now,
        )
        events = [FundingEvent(FundingEventKind.REFUNDED, refunded, reason)]
        if partly:
            events.insert(0, FundingEvent(FundingEventKind.RELEASED, refunded, reason))
        return refunded, events

    def cancel(self, now: datetime, reason: str) -> FundingTransition:
        """Ended before it was funded (FundingCancelled): nothing was charged."""
        self._require(FundingStatus.AWAITING_FUNDING, doing="cancel it")
        cancelled = replace(
            self,
            status=FundingStatus.CANCELLED,
            charging=False,
            charge_due_at=None,
            end_reason=reason,
            updated_at=now,
            # No entries, but a sponsor's reservation is released by the writer's followers.
            ledger_due_at=now if self.sponsor else None,
        )
        return cancelled, [FundingEvent(FundingEventKind.CANCELLED, cancelled, reason)]

    def ledger_posted(self) -> Funding:
        return replace(self, ledger_due_at=None, ledger_error="")

    def ledger_failed(self, error: str) -> Funding:
        return replace(self, ledger_error=error)
