"""Money bounds: the platform maximum setting and the int64 checks every service relies on."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stint.kit.errors import FailedPrecondition
from stint.kit.money import (
    DEFAULT_MAX_AMOUNT_MINOR,
    INT64_MAX,
    INT64_MIN,
    MAX_AMOUNT_CEILING,
    AmountOverflow,
    amount_problem,
    checked_int64,
    fits_int64,
)
from stint.kit.settings import KitSettings


def test_int64_edges() -> None:
    assert fits_int64(INT64_MAX)
    assert fits_int64(INT64_MIN)
    assert not fits_int64(INT64_MAX + 1)
    assert not fits_int64(INT64_MIN - 1)
    assert checked_int64(INT64_MAX, "total") == INT64_MAX
    with pytest.raises(AmountOverflow, match="USD earnings total"):
        checked_int64(INT64_MAX + 1, "USD earnings total")


def test_an_overflow_is_the_callers_failed_precondition_not_an_internal_error() -> None:
    # The gRPC layer maps categories by isinstance: FAILED_PRECONDITION, never UNKNOWN (a 502).
    assert issubclass(AmountOverflow, FailedPrecondition)


def test_single_amounts_must_be_positive_and_at_most_the_maximum() -> None:
    assert amount_problem(1, 100) is None
    assert amount_problem(100, 100) is None
    assert amount_problem(0, 100) == "must be positive"
    assert amount_problem(-5, 100) == "must be positive"
    problem = amount_problem(101, 100)
    assert problem is not None
    assert "at most 100 minor units" in problem
    assert amount_problem(INT64_MAX, DEFAULT_MAX_AMOUNT_MINOR) is not None


def test_the_default_leaves_room_for_a_fee_and_a_full_platform_fee_many_times_over() -> None:
    assert 2 * MAX_AMOUNT_CEILING * 1_000 < INT64_MAX
    assert DEFAULT_MAX_AMOUNT_MINOR == 10_000_000  # 100,000.00: documented in the READMEs


def test_the_maximum_is_a_platform_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STINT_MAX_AMOUNT_MINOR", raising=False)  # none from the shell
    assert KitSettings().max_amount_minor == DEFAULT_MAX_AMOUNT_MINOR
    monkeypatch.setenv("STINT_MAX_AMOUNT_MINOR", "2500000")
    assert KitSettings().max_amount_minor == 2_500_000


@pytest.mark.parametrize("value", [0, -1, MAX_AMOUNT_CEILING + 1, INT64_MAX])
def test_a_maximum_outside_its_range_is_refused_at_start(value: int) -> None:
    with pytest.raises(ValidationError, match="max_amount_minor"):
        KitSettings(max_amount_minor=value)
