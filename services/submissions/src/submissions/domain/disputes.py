"""What a dispute does to its engagement (pure): opening it, and ending it as decided.

Opening is decided on the engagement (its status is what allows it, and a concurrent approval
or cancellation must lose to it or win over it): the engagement becomes DISPUTED and keeps the
new dispute in `opening` — one versioned write with DisputeOpened. The dispute's own document
is written next and `opening` cleared (`opened`); after a crash in between, the opening-repair
timer (`repair_due_at`) writes it. Resolving is decided on the dispute (its status is what
allows it); the DISPUTED engagement can then only be settled, which `settle` does once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from stint.kit.errors import AlreadyExists
from stint.kit.ids import suffix
from stint.kit.money import Money
from submissions.domain import events as ev
from submissions.domain import timing
from submissions.domain.dispute import (
    REPAIR_AFTER,
    Dispute,
    Outcome,
    Reason,
    Resolution,
    Statement,
)
from submissions.domain.errors import WrongState
from submissions.domain.model import Engagement
from submissions.domain.values import Party, Status, Windows

# The work started (funded) and is not settled yet.
DISPUTABLE = (Status.ACTIVE, Status.SUBMITTED, Status.REVISION_REQUESTED)


def dispute_id(engagement_id: str) -> str:
    return f"dsp_{suffix(engagement_id)}"


def check_disputable(e: Engagement) -> None:
    if e.status is Status.DISPUTED:
        raise AlreadyExists("a dispute is already open on this engagement")
    if e.status is Status.AWAITING_FUNDING:
        raise WrongState("the work has not started: cancel or withdraw instead of disputing")
    if e.status not in DISPUTABLE:
        raise WrongState(f"cannot dispute a {e.status.value} engagement")


def open_dispute(
    e: Engagement, reason: Reason, claim: Statement, answer_window: timedelta
) -> list[ev.Event]:
    """The engagement becomes DISPUTED (review window and timers stop) with the dispute it
    opened kept in `opening`; emits DisputeOpened."""
    check_disputable(e)
    dispute = Dispute(
        id=dispute_id(e.id),
        engagement_id=e.id,
        company_id=e.company_id,
        student_id=e.student_id,
        university_id=e.university_id,
        title=e.title,
        fee=e.fee,
        opened_by=claim.party,
        reason=reason,
        claim=claim,
        opened_at=claim.given_at,
        answer_due_at=claim.given_at + answer_window,
        engagement_status_before=e.status,
        version=1,  # as it will be stored
    )
    e.status = Status.DISPUTED
    e.review_due_at = None
    e.extensions = timing.lapsed(e.extensions, claim.given_at)  # an admin decides now
    e.opening = dispute
    return [ev.DisputeOpened(dispute.snapshot(), e.snapshot())]


def opened(e: Engagement) -> None:
    """The dispute's document exists: the engagement no longer carries it."""
    e.opening = None


def repair_due_at(e: Engagement) -> datetime | None:
    """When the opening-repair timer writes the dispute's document if the opener did not."""
    return e.opening.opened_at + REPAIR_AFTER if e.opening is not None else None


def settlement(outcome: Outcome, fee: Money, released: Money | None) -> tuple[Money, Money]:
    """(released to the intern, refunded to the company) for an outcome; a partial release's
    amount is validated beforehand (`dispute_validation.resolution`)."""
    if outcome is Outcome.RELEASE_FULL:
        paid = fee.amount_minor
    elif outcome is Outcome.REFUND_FULL:
        paid = 0
    else:
        assert released is not None  # validated: required for a partial release
        paid = released.amount_minor
    return Money(paid, fee.currency), Money(fee.amount_minor - paid, fee.currency)


def settle(e: Engagement, resolution: Resolution, windows: Windows) -> list[ev.Event]:
    """End the DISPUTED engagement as decided (nothing when it is no longer DISPUTED: a
    repeated settlement). Released in full or in part: COMPLETED as after an approval
    (feedback opens, the experience record can be issued) with EngagementCompleted — never
    SubmissionApproved: payouts pays the released share on DisputeResolved. Refunded in full:
    CANCELLED by the platform, the decision as the reason (EngagementCancelled)."""
    if e.status is not Status.DISPUTED:
        return []
    at = resolution.resolved_at
    e.review_due_at = None
    if resolution.outcome is not Outcome.REFUND_FULL:
        e.status = Status.COMPLETED
        e.completed_at = at
        e.reveal_due_at = at + windows.reveal
        return [ev.EngagementCompleted(e.snapshot())]
    e.status = Status.CANCELLED
    e.cancel_reason, e.cancelled_by, e.cancelled_at = resolution.decision, Party.PLATFORM, at
    return [ev.EngagementCancelled(e.snapshot(), resolution.decision)]
