"""The bench's percentile math and sample bookkeeping (pure; nothing is timed here)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools.bench.stats import Samples, Summary, percentile


def test_percentiles_interpolate_between_ranks() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 50) == 25.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 99) == pytest.approx(39.7)


def test_order_of_the_input_does_not_matter() -> None:
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_a_single_value_is_every_percentile() -> None:
    assert {percentile([7.0], q) for q in (0, 50, 95, 99, 100)} == {7.0}


@pytest.mark.parametrize(("values", "q"), [([], 50), ([1.0], -1), ([1.0], 101)])
def test_nonsense_is_refused(values: list[float], q: float) -> None:
    with pytest.raises(ValueError, match=r"percentile|q must be"):
        percentile(values, q)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1), st.floats(0, 100))
def test_a_percentile_lies_within_the_values_and_grows_with_q(
    values: list[float], q: float
) -> None:
    p = percentile(values, q)
    slack = 1e-9 * max(1.0, max(values))  # float rounding of the interpolation
    assert min(values) - slack <= p <= max(values) + slack
    assert percentile(values, min(100.0, q + 1)) >= p - 1e-9


def test_summary_is_in_milliseconds_and_absent_for_nothing() -> None:
    summary = Summary.of_seconds([0.001, 0.002, 0.003])
    assert summary is not None
    assert (summary.n, summary.p50_ms, summary.max_ms) == (3, 2.0, 3.0)
    assert summary.p95_ms == pytest.approx(2.9)
    assert summary.p99_ms == pytest.approx(2.98)
    assert Summary.of_seconds([]) is None


def test_samples_group_by_key_and_count_statuses() -> None:
    samples = Samples()
    samples.add("GET /v1/me/payouts", 0.010, 200)
    samples.add("GET /v1/me/payouts", 0.030, 200)
    samples.add("POST /v1/postings", 0.020, 201)
    samples.add("POST /v1/postings", 0.040, 409)
    assert samples.statuses["POST /v1/postings"] == {201: 1, 409: 1}
    summaries = samples.summaries()
    assert list(summaries) == ["GET /v1/me/payouts", "POST /v1/postings"]
    assert summaries["GET /v1/me/payouts"].p50_ms == pytest.approx(20.0)
    assert sorted(samples.everything()) == [0.010, 0.020, 0.030, 0.040]


def test_samples_of_several_levels_add_up() -> None:
    first, second = Samples(), Samples()
    first.add("GET /x", 0.010, 200)
    second.add("GET /x", 0.030, 404)
    second.add("GET /y", 0.020, 200)
    first.extend(second)
    assert sorted(first.durations["GET /x"]) == [0.010, 0.030]
    assert first.statuses["GET /x"] == {200: 1, 404: 1}
    assert first.durations["GET /y"] == [0.020]
