"""Who may end an engagement, and when (pure): the cancellation policy.

Before any work is submitted (AWAITING_FUNDING or ACTIVE) either side may walk away: the
employer cancels, the intern withdraws, and the company's payment is refunded in full (payouts
consumes EngagementCancelled). Once work was submitted, neither side can simply leave: the
employer reviews it (approve, or ask for a revision within the limit; silence auto-approves),
and a disagreement goes to an admin, who may still cancel any engagement not yet approved.
"""

from __future__ import annotations

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
            "work was submitted: approve it or request a revision; an admin can settle a "
            "disagreement"
        )
    raise WrongState("work was submitted: it is under review; an admin can settle a disagreement")
