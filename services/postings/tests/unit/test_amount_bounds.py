"""The platform maximum per amount (design.md §10): a fee above it is refused where it enters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from postings.config import Settings
from postings.domain.validation import Policy, validate_terms
from postings.domain.values import Terms
from stint.kit.errors import InvalidArgument
from stint.kit.money import DEFAULT_MAX_AMOUNT_MINOR, INT64_MAX, Money

MakeTerms = Callable[..., Terms]


def fee_violation(terms: Terms, now: datetime, policy: Policy) -> str:
    with pytest.raises(InvalidArgument) as caught:
        validate_terms(terms, policy, now)
    found = {v.field: v.description for v in caught.value.violations}
    assert list(found) == ["fee.amount_minor"]
    return found["fee.amount_minor"]


@pytest.mark.parametrize("fee", [DEFAULT_MAX_AMOUNT_MINOR + 1, INT64_MAX])
def test_a_fee_above_the_platform_maximum_is_a_field_error(
    make_terms: MakeTerms, now: datetime, fee: int
) -> None:
    problem = fee_violation(make_terms(fee=Money(fee, "USD")), now, Policy())
    assert problem == "must be at most USD 100000.00 (the platform maximum per amount)"


def test_the_maximum_itself_is_accepted(make_terms: MakeTerms, now: datetime) -> None:
    validate_terms(make_terms(fee=Money(DEFAULT_MAX_AMOUNT_MINOR, "USD")), Policy(), now)


@pytest.mark.parametrize("fee", [0, -1])
def test_zero_and_negative_fees_stay_refused(
    make_terms: MakeTerms, now: datetime, fee: int
) -> None:
    assert fee_violation(make_terms(fee=Money(fee, "USD")), now, Policy()) == "must be positive"


def test_the_maximum_is_the_platform_setting(
    make_terms: MakeTerms, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STINT_MAX_AMOUNT_MINOR", "60000")
    policy = Settings.model_validate({}).policy()
    assert policy.max_amount_minor == 60_000
    validate_terms(make_terms(fee=Money(60_000, "USD")), policy, now)
    assert "USD 600.00" in fee_violation(make_terms(fee=Money(60_001, "USD")), now, policy)
