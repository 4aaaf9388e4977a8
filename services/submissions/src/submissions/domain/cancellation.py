"""Who may end an engagement, and when (pure): the cancellation policy.

Before any work is submitted (AWAITING_FUNDING or ACTIVE) either side may walk away: the
intern withdraws and the company is refunded in full; the employer cancels and, once the work
has started (ACTIVE), owes the intern the posting's kill fee, the rest refunded (payouts
consumes EngagementCancelled and its kill_fee). Once work was submitted, neither side can
simply leave: the employer reviews it (approve, or ask for a revision within the limit; silence
auto-approves), and a disagreement is a dispute (`domain/disputes.py`) an admin resolves (an
admin may also still cancel any engagement not yet approved and not disputed).
"""

from __future__ import annotations

from stint.kit.money import Money
from submissions.domain.errors import WrongState
from submissions.domain.model import Engagement
from submissions.domain.values import Party, Status

WORK_SUBMITTED = (Status.SUBMITTED, Status.REVISION_REQUESTED)


def check(e: Engagement, by: Party) -> None:
    """Raise WrongState when `by` may not cancel `e` now (the state machine has the rest)."""
    if by is Party.PLATFORM or e.status not in WORK_SUBMITTED:
        return
    if by is Party.EMPLOYER:
        raise WrongState(
            "work was submitted: approve it or request a revision; if you disagree about the "
            "work, open a dispute and an admin decides"
        )
    raise WrongState(
        "work was submitted: it is under review; if you disagree with the review, open a "
        "dispute and an admin decides"
    )


def kill_fee(e: Engagement, by: Party) -> Money | None:
    """The intern's share when the employer cancels work in progress: the posting's
    kill_fee_percent of the fee, rounded down to the minor unit (the company keeps the
    fraction). Nothing when the work never started (unfunded), when the intern withdraws, or
    when an admin cancels (an admin settles a disagreement through a dispute instead)."""
    if by is not Party.EMPLOYER or e.status is not Status.ACTIVE or e.kill_fee_percent <= 0:
        return None
    return Money(e.fee.amount_minor * e.kill_fee_percent // 100, e.fee.currency)
