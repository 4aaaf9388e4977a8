"""Raw figures: distinct counts, time windows, medians, repeat hires."""

from __future__ import annotations

import pytest

from outcomes.domain.figures import median, raw_figures, repeat_hire_ids
from outcomes.domain.window import Window

from .builders import applied, approval, day, hire


def test_students_applied_counts_distinct_students_not_applications() -> None:
    apps = [applied("s1", "pst_1"), applied("s1", "pst_2"), applied("s2", "pst_1")]
    assert raw_figures(Window(), [], apps, [], frozenset()).students_applied == 2


def test_students_hired_is_distinct_but_completions_count_engagements() -> None:
    done = day(5)
    hires = [
        hire("s1", n=1, completed_at=done),
        hire("s1", n=2, completed_at=done),
        hire("s2", completed_at=done),
    ]
    raw = raw_figures(Window(), [], [], hires, frozenset())
    assert (raw.students_hired, raw.engagements_completed) == (2, 3)


def test_window_is_from_inclusive_to_exclusive() -> None:
    apps = [applied("s1", at=1), applied("s2", at=2), applied("s3", at=3)]
    raw = raw_figures(Window(day(1), day(3)), [], apps, [], frozenset())
    assert raw.students_applied == 2  # day 1 in, day 3 out


def test_open_sides_mean_all_time() -> None:
    apps = [applied("s1", at=-1000), applied("s2", at=1000)]
    assert raw_figures(Window(), [], apps, [], frozenset()).students_applied == 2
    assert raw_figures(Window(start=day(0)), [], apps, [], frozenset()).students_applied == 1
    assert raw_figures(Window(end=day(0)), [], apps, [], frozenset()).students_applied == 1


def test_each_figure_is_dated_by_its_own_event() -> None:
    e = hire("s1", at=2, paid=100, paid_at=40, completed_at=day(30), offer_made_at=day(35))
    early = raw_figures(Window(day(0), day(20)), [], [], [e], frozenset())
    late = raw_figures(Window(day(20), day(50)), [], [], [e], frozenset())
    assert (early.students_hired, early.engagements_completed, early.paid_students) == (1, 0, 0)
    assert (late.students_hired, late.engagements_completed, late.paid_students) == (0, 1, 1)
    assert (early.offers_made, late.offers_made) == (0, 1)


def test_approvals_count_postings_approved_in_the_window_only() -> None:
    approvals = [approval("pst_1", at=1), approval("pst_2", at=5)]
    pending = approval("pst_3")
    pending = type(pending)(**{**vars(pending), "approved_at": None})
    raw = raw_figures(Window(day(0), day(3)), [*approvals, pending], [], [], frozenset())
    assert raw.postings_approved == 1


def test_earnings_are_summed_per_student_then_sorted_per_currency() -> None:
    hires = [
        hire("s1", paid=100, n=1),
        hire("s1", paid=50, n=2),
        hire("s2", paid=70),
        hire("s3", paid=9, currency="EUR"),
    ]
    raw = raw_figures(Window(), [], [], hires, frozenset())
    assert raw.earnings == {"EUR": [9], "USD": [70, 150]}
    assert raw.paid_students == 3


def test_ratings_and_rated_students() -> None:
    hires = [hire("s1", rating=5, n=1), hire("s1", rating=3, n=2), hire("s2", rating=4), hire("s3")]
    raw = raw_figures(Window(), [], [], hires, frozenset())
    assert sorted(raw.ratings) == [3, 4, 5]
    assert raw.rated_students == 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [([7], 7), ([1, 9], 1), ([3, 1, 2], 2), ([4, 1, 3, 2], 2), ([5, 5, 5, 100], 5)],
)
def test_median_is_the_lower_middle_in_integer_minor_units(
    values: list[int], expected: int
) -> None:
    assert median(values) == expected


def test_median_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="median"):
        median([])


def test_a_repeat_hire_is_a_later_hire_of_the_same_student_by_the_same_company() -> None:
    first = hire("s1", "co_a", at=1, n=1)
    again = hire("s1", "co_a", at=5, n=2)
    other_company = hire("s1", "co_b", at=6)
    other_student = hire("s2", "co_a", at=7)
    repeats = repeat_hire_ids([again, first, other_company, other_student])
    assert repeats == {again.engagement_id}


def test_a_repeat_hire_counts_in_its_window_even_when_the_first_hire_was_before_it() -> None:
    first, again = hire("s1", at=1, n=1), hire("s1", at=40, n=2)
    repeats = repeat_hire_ids([first, again])
    assert raw_figures(Window(day(30), day(50)), [], [], [first, again], repeats).repeat_hires == 1
    assert raw_figures(Window(day(0), day(30)), [], [], [first, again], repeats).repeat_hires == 0
