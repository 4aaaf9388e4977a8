"""Small groups: counts below k, money and ratings with fewer than k students."""

from __future__ import annotations

import pytest

from outcomes.domain.figures import RawFigures
from outcomes.domain.suppression import Count, count, shown
from stint.kit.money import AmountOverflow, Money


@pytest.mark.parametrize(
    ("value", "k", "expected"),
    [
        (0, 5, Count(0, True, "< 5")),
        (4, 5, Count(0, True, "< 5")),
        (5, 5, Count(5, False, "5")),
        (6, 5, Count(6, False, "6")),
        (1, 2, Count(0, True, "< 2")),
        (2, 2, Count(2, False, "2")),
    ],
)
def test_a_count_below_k_is_shown_as_less_than_k_with_value_zero(
    value: int, k: int, expected: Count
) -> None:
    assert count(value, k) == expected


def test_k_below_two_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        shown(RawFigures(), 1)


def test_earnings_are_omitted_when_fewer_than_k_students_were_paid() -> None:
    f = shown(RawFigures(earnings={"USD": [10, 20]}, paid_students=2), 3)
    assert f.earnings_suppressed
    assert (f.earnings_total, f.earnings_median) == (None, None)
    assert f.earnings_by_currency[0].suppressed
    assert f.earnings_by_currency[0].students.display == "< 3"


def test_earnings_are_shown_at_exactly_k_students() -> None:
    f = shown(RawFigures(earnings={"USD": [10, 20, 40]}, paid_students=3), 3)
    assert f.earnings_total == Money(70, "USD")
    assert f.earnings_median == Money(20, "USD")
    assert f.earnings_students == Count(3, False, "3")


def test_several_currencies_are_listed_each_and_have_no_single_total() -> None:
    raw = RawFigures(earnings={"EUR": [5, 6], "USD": [1, 2, 3]}, paid_students=5)
    f = shown(raw, 3)
    assert f.earnings_total is None
    eur, usd = f.earnings_by_currency
    assert eur.suppressed
    assert eur.total is None
    assert usd.total == Money(6, "USD")
    assert usd.median == Money(2, "USD")


def test_rating_average_needs_k_distinct_students() -> None:
    hidden = shown(RawFigures(ratings=[5, 4, 3], rated_students=2), 3)
    assert hidden.rating_suppressed
    assert hidden.rating_average == 0.0
    assert hidden.ratings == Count(3, False, "3")
    visible = shown(RawFigures(ratings=[5, 4, 4], rated_students=3), 3)
    assert not visible.rating_suppressed
    assert visible.rating_average == 4.33


def test_an_earnings_total_beyond_int64_is_refused_not_wrapped() -> None:
    huge = 2**62
    with pytest.raises(AmountOverflow):
        shown(RawFigures(earnings={"USD": [huge, huge, huge]}, paid_students=3), 2)
