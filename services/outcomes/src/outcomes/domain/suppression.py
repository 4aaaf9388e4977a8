"""Small-group suppression: what a report shows of raw figures, so no individual stands out.

A count below k (zero included: "none" is as telling as "one" next to a known total) is shown
as "< k" with value 0. Money and the rating average need at least k distinct students behind
them, else they are omitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from outcomes.domain.figures import RawFigures, median
from stint.kit.money import Money, checked_int64

MIN_K = 2


@dataclass(frozen=True)
class Count:
    value: int
    suppressed: bool
    display: str


def count(value: int, k: int) -> Count:
    if value < k:
        return Count(0, True, f"< {k}")
    return Count(value, False, str(value))


@dataclass(frozen=True)
class Earnings:
    currency: str
    students: Count
    total: Money | None = None
    median: Money | None = None

    @property
    def suppressed(self) -> bool:
        return self.total is None


@dataclass(frozen=True)
class ShownFigures:
    postings_approved: Count
    students_applied: Count
    students_hired: Count
    engagements_completed: Count
    engagements_cancelled: Count
    repeat_hires: Count
    offers_made: Count
    offers_accepted: Count
    earnings_students: Count
    earnings_suppressed: bool
    ratings: Count
    rating_suppressed: bool
    # Two decimals; 0 when suppressed.
    rating_average: float = 0.0
    earnings_by_currency: list[Earnings] = field(default_factory=list)

    @property
    def earnings_total(self) -> Money | None:
        """The total when every payout is in one currency and it is shown."""
        only = self._single_currency()
        return only.total if only else None

    @property
    def earnings_median(self) -> Money | None:
        only = self._single_currency()
        return only.median if only else None

    def _single_currency(self) -> Earnings | None:
        if self.earnings_suppressed or len(self.earnings_by_currency) != 1:
            return None
        return self.earnings_by_currency[0]


def earnings(currency: str, per_student: list[int], k: int) -> Earnings:
    students = count(len(per_student), k)
    if students.suppressed:
        return Earnings(currency, students)
    total = checked_int64(sum(per_student), f"{currency} earnings total")
    return Earnings(
        currency, students, Money(total, currency), Money(median(per_student), currency)
    )


def shown(raw: RawFigures, k: int) -> ShownFigures:
    """What a report shows of `raw` with suppression threshold `k` (at least MIN_K)."""
    if k < MIN_K:
        raise ValueError(f"suppression k must be at least {MIN_K}")
    rating_suppressed = raw.rated_students < k
    average = 0.0 if rating_suppressed else round(sum(raw.ratings) / len(raw.ratings), 2)
    return ShownFigures(
        postings_approved=count(raw.postings_approved, k),
        students_applied=count(raw.students_applied, k),
        students_hired=count(raw.students_hired, k),
        engagements_completed=count(raw.engagements_completed, k),
        engagements_cancelled=count(raw.engagements_cancelled, k),
        repeat_hires=count(raw.repeat_hires, k),
        offers_made=count(raw.offers_made, k),
        offers_accepted=count(raw.offers_accepted, k),
        earnings_students=count(raw.paid_students, k),
        earnings_suppressed=raw.paid_students < k,
        ratings=count(len(raw.ratings), k),
        rating_suppressed=rating_suppressed,
        rating_average=average,
        earnings_by_currency=[earnings(c, v, k) for c, v in raw.earnings.items()],
    )
