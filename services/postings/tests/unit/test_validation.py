"""Validation of a posting's terms: every bound, the pay floor, dates, all reported at once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from postings.domain.commands import ListQuery
from postings.domain.validation import Policy, checked_query, validate_terms
from postings.domain.values import MilestonePlan, Terms, Visibility
from stint.kit.errors import InvalidArgument
from stint.kit.money import Money
from stint.kit.paging import encode_token

POLICY = Policy()
MakeTerms = Callable[..., Terms]


def violations(terms: Terms, now: datetime, policy: Policy = POLICY) -> dict[str, str]:
    with pytest.raises(InvalidArgument) as caught:
        validate_terms(terms, policy, now)
    return {v.field: v.description for v in caught.value.violations}


def test_valid_terms_pass(make_terms: MakeTerms, now: datetime) -> None:
    validate_terms(make_terms(), POLICY, now)


@pytest.mark.parametrize(
    ("field", "ok", "bad"),
    [
        ("title", "abc", "ab"),
        ("title", "x" * 120, "x" * 121),
        ("summary", "x" * 280, "x" * 281),
        ("description", "x" * 10_000, "x" * 10_001),
        ("estimated_hours", 10, 9),
        ("estimated_hours", 40, 41),
        ("positions", 1, 0),
        ("positions", 10, 11),
        ("skills", tuple(f"s{i}" for i in range(15)), tuple(f"s{i}" for i in range(16))),
        ("acceptance_criteria", ("x",) * 10, ("x",) * 11),
        ("kill_fee_percent", 100, 101),
        ("kill_fee_percent", 0, -1),
    ],
)
def test_every_bound(make_terms: MakeTerms, now: datetime, field: str, ok: Any, bad: Any) -> None:
    # Fee high enough for any hours, so only the bound under test can fail.
    fee = Money(1_000_000, "USD")
    validate_terms(make_terms(**{field: ok}, fee=fee), POLICY, now)
    assert field in violations(make_terms(**{field: bad}, fee=fee), now)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("skills", ("!!!",)),
        ("skills", ("x" * 41,)),
        ("acceptance_criteria", ("   ",)),
        ("acceptance_criteria", ("x" * 201,)),
        ("university_ids", ("",)),
    ],
)
def test_bad_list_items_name_their_index(
    make_terms: MakeTerms, now: datetime, field: str, value: tuple[str, ...]
) -> None:
    extra: dict[str, Any] = {}
    if field == "university_ids":
        extra["visibility"] = Visibility.UNIVERSITIES
    assert f"{field}[0]" in violations(make_terms(**{field: value}, **extra), now)


def test_pay_floor_says_the_minimum(make_terms: MakeTerms, now: datetime) -> None:
    validate_terms(make_terms(estimated_hours=20, fee=Money(40_000, "USD")), POLICY, now)
    found = violations(make_terms(estimated_hours=20, fee=Money(39_999, "USD")), now)
    assert "USD 400.00" in found["fee.amount_minor"]
    assert "20 h x USD 20.00/h" in found["fee.amount_minor"]


def test_pay_floor_is_configurable_per_currency(make_terms: MakeTerms, now: datetime) -> None:
    policy = Policy(hourly_floor_minor={"USD": 2500, "EUR": 1800})
    validate_terms(make_terms(estimated_hours=10, fee=Money(18_000, "EUR")), policy, now)
    found = violations(make_terms(estimated_hours=10, fee=Money(24_999, "USD")), now, policy)
    assert "USD 250.00" in found["fee.amount_minor"]


def test_unaccepted_currency_is_refused(make_terms: MakeTerms, now: datetime) -> None:
    found = violations(make_terms(fee=Money(10_000_000, "JPY")), now)
    assert found["fee.currency"] == "must be one of the accepted currencies: USD"


def test_hour_bounds_are_configurable(make_terms: MakeTerms, now: datetime) -> None:
    policy = Policy(min_hours=5, max_hours=60)
    validate_terms(make_terms(estimated_hours=60, fee=Money(120_000, "USD")), policy, now)
    assert "estimated_hours" in violations(make_terms(estimated_hours=5), now)


def test_dates(make_terms: MakeTerms, now: datetime) -> None:
    assert violations(make_terms(application_deadline=now), now) == {
        "application_deadline": "must be in the future"
    }
    deadline = now + timedelta(days=3)
    found = violations(make_terms(application_deadline=deadline, due_date=deadline), now)
    assert found == {"due_date": "must be after the application deadline"}
    missing = violations(make_terms(application_deadline=None, due_date=None), now)
    assert set(missing) == {"application_deadline", "due_date"}


def test_visibility_rules(make_terms: MakeTerms, now: datetime) -> None:
    assert "university_ids" in violations(make_terms(university_ids=("uni_a",)), now)
    assert "university_ids" in violations(make_terms(visibility=Visibility.UNIVERSITIES), now)
    repeated = make_terms(visibility=Visibility.UNIVERSITIES, university_ids=("u", "u"))
    assert violations(repeated, now) == {"university_ids": "must not repeat a university"}
    many = tuple(f"uni_{i}" for i in range(21))
    too_many = make_terms(visibility=Visibility.UNIVERSITIES, university_ids=many)
    assert "university_ids" in violations(too_many, now)


def test_all_violations_are_reported_at_once(make_terms: MakeTerms, now: datetime) -> None:
    terms = make_terms(
        title="x",
        category=None,
        ai_policy=None,
        visibility=None,
        positions=0,
        estimated_hours=100,
        fee=Money(0, "USD"),
        application_deadline=now - timedelta(days=1),
    )
    assert set(violations(terms, now)) == {
        "title",
        "category",
        "ai_policy",
        "visibility",
        "positions",
        "estimated_hours",
        "fee.amount_minor",
        "application_deadline",
    }


def test_list_query_page_size_defaults_and_refuses_above_the_maximum() -> None:
    # The kit's one paging rule: a size above the maximum is refused, no longer capped at 100.
    assert checked_query(ListQuery(page_size=0)).size == 20
    assert checked_query(ListQuery(page_size=100)).size == 100
    assert checked_query(ListQuery(page_size=7)).size == 7
    with pytest.raises(InvalidArgument) as caught:
        checked_query(ListQuery(page_size=500))
    assert [v.field for v in caught.value.violations] == ["page.page_size"]


def test_list_query_page_token_is_the_kits() -> None:
    assert checked_query(ListQuery(page_token=encode_token("NEWEST|pst_1"))).after == (
        "NEWEST|pst_1"
    )
    with pytest.raises(InvalidArgument) as caught:
        checked_query(ListQuery(page_token="nope"))
    assert [v.field for v in caught.value.violations] == ["page.page_token"]


def test_list_query_violations_at_once() -> None:
    query = ListQuery(
        page_size=-1,
        hours_min=30,
        hours_max=10,
        fee_min=Money(1, "USD"),
        fee_max=Money(2, "EUR"),
        words=tuple(f"w{i}" for i in range(11)),
    )
    with pytest.raises(InvalidArgument) as caught:
        checked_query(query)
    fields = {v.field for v in caught.value.violations}
    assert fields == {"page.page_size", "hours_max", "fee_max.currency", "query"}


def test_revision_limit_and_milestones_are_bounded(make_terms: MakeTerms, now: datetime) -> None:
    base = make_terms()
    window = (base.due_date - base.application_deadline).days
    fine = (MilestonePlan("Outline", 1), MilestonePlan("x" * 120, window - 1, "y" * 500))
    validate_terms(make_terms(revision_limit=5, milestones=fine), POLICY, now)
    found = violations(
        make_terms(
            revision_limit=6,
            milestones=(
                MilestonePlan("", 0),
                MilestonePlan("x" * 121, window, "y" * 501),
            ),
        ),
        now,
    )
    assert set(found) == {
        "revision_limit",
        "milestones[0].title",
        "milestones[0].due_offset_days",
        "milestones[1].title",
        "milestones[1].due_offset_days",
        "milestones[1].deliverable",
    }
    assert "milestones" in violations(make_terms(milestones=(MilestonePlan("m", 1),) * 11), now)


def test_an_input_revision_limit_of_zero_means_the_default() -> None:
    from postings.adapters.wire import terms_in
    from stint.common.v1 import work_pb2
    from stint.postings.v1 import postings_service_pb2 as svc

    plan = work_pb2.MilestonePlan(title=" Outline ", due_offset_days=2)
    assert terms_in(svc.PostingInput()).revision_limit == 2
    terms = terms_in(svc.PostingInput(revision_limit=4, milestones=[plan]))
    assert terms.revision_limit == 4
    assert terms.milestones == (MilestonePlan("Outline", 2),)
