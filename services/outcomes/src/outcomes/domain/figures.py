"""Raw figures of one group of facts in a window: pure counting, no suppression yet.

Each figure is dated by its own event: an approval by its decision, an application when it was
submitted, a hire when it was made, a completion or cancellation when it happened, earnings when
the payout was paid, a rating when the feedback was revealed, an offer when it was made and when
it was accepted, sponsored spending when the work was released.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from outcomes.domain.facts import Applied, Approval, EngagementFact
from outcomes.domain.window import Window


@dataclass(frozen=True)
class RawFigures:
    postings_approved: int = 0
    students_applied: int = 0
    students_hired: int = 0
    engagements_completed: int = 0
    engagements_cancelled: int = 0
    repeat_hires: int = 0
    offers_made: int = 0
    offers_accepted: int = 0
    # Per currency: what each paid student was paid in the window (one total per student).
    earnings: dict[str, list[int]] = field(default_factory=dict)
    # The ratings revealed in the window, and how many distinct students they rate.
    ratings: list[int] = field(default_factory=list)
    rated_students: int = 0
    # Distinct students paid in the window, in any currency.
    paid_students: int = 0


def repeat_hire_ids(engagements: Iterable[EngagementFact]) -> frozenset[str]:
    """Engagements that hired a student a company had hired before (earlier `hired_at`,
    ties broken by engagement id), over the whole history given, whatever the window."""
    by_pair: dict[tuple[str, str], list[EngagementFact]] = defaultdict(list)
    for e in engagements:
        if e.hired_at is not None and e.company_id and e.student_id:
            by_pair[(e.company_id, e.student_id)].append(e)
    repeats: set[str] = set()
    for hires in by_pair.values():
        ordered = sorted(hires, key=lambda e: (e.hired_at, e.engagement_id))
        repeats.update(e.engagement_id for e in ordered[1:])
    return frozenset(repeats)


def raw_figures(
    window: Window,
    approvals: Iterable[Approval],
    applied: Iterable[Applied],
    engagements: Iterable[EngagementFact],
    repeats: frozenset[str],
) -> RawFigures:
    """The group's figures in `window`; `repeats` from `repeat_hire_ids` over all history."""
    engagements = list(engagements)
    approved = {a.posting_id for a in approvals if window.contains(a.approved_at)}
    applicants = {a.student_id for a in applied if window.contains(a.applied_at)}
    hired = [e for e in engagements if window.contains(e.hired_at)]
    paid: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in engagements:
        for p in e.payments:
            if window.contains(p.paid_at):
                paid[p.amount.currency][e.student_id] += p.amount.amount_minor
    rated = [e for e in engagements if e.rating and window.contains(e.rated_at)]
    return RawFigures(
        postings_approved=len(approved),
        students_applied=len(applicants),
        students_hired=len({e.student_id for e in hired}),
        engagements_completed=sum(window.contains(e.completed_at) for e in engagements),
        engagements_cancelled=sum(window.contains(e.cancelled_at) for e in engagements),
        repeat_hires=sum(e.engagement_id in repeats for e in hired),
        offers_made=sum(window.contains(e.offer_made_at) for e in engagements),
        offers_accepted=sum(window.contains(e.offer_accepted_at) for e in engagements),
        earnings={c: sorted(per.values()) for c, per in sorted(paid.items())},
        ratings=[e.rating for e in rated],
        rated_students=len({e.student_id for e in rated}),
        paid_students=len({s for per in paid.values() for s in per}),
    )


def median(values: list[int]) -> int:
    """The lower middle of the sorted values (an amount someone was actually paid; integer
    minor units, never a float). Raises ValueError on an empty list."""
    if not values:
        raise ValueError("median of nothing")
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]
