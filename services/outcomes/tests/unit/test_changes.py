"""Engagement facts from events in any order."""

from __future__ import annotations

import itertools

from outcomes.domain.changes import (
    Cancelled,
    Completed,
    Hired,
    OfferAccepted,
    OfferMade,
    Paid,
    Rated,
)
from outcomes.domain.facts import EngagementFact, Parties, Payment
from stint.kit.money import Money

from .builders import day

ENG = "eng_1"
FULL = Parties("uni_1", "s1", "co_a", "Acme", "pst_1", "DESIGN")


def changes() -> list[object]:
    return [
        Hired(ENG, FULL, day(1)),
        Completed(ENG, Parties(student_id="s1", company_id="co_a"), day(5)),
        Rated(ENG, Parties(), 4, day(6)),
        Paid(ENG, Parties(student_id="s1"), Payment("pay_1", Money(100, "USD"), day(7))),
        OfferMade(ENG, Parties(university_id="uni_1"), day(8)),
        OfferAccepted(ENG, Parties(), day(9), day(8)),
    ]


def apply_all(items: list[object]) -> EngagementFact:
    fact = EngagementFact(ENG)
    for c in items:
        fact = c.apply(fact)  # type: ignore[attr-defined]
    return fact


def test_every_order_of_arrival_ends_in_the_same_fact() -> None:
    results = {apply_all(list(order)) for order in itertools.permutations(changes())}
    assert len(results) == 1
    fact = results.pop()
    assert (fact.university_id, fact.category, fact.company_name) == ("uni_1", "DESIGN", "Acme")
    assert (fact.hired_at, fact.completed_at, fact.rating) == (day(1), day(5), 4)
    assert (fact.offer_made_at, fact.offer_accepted_at) == (day(8), day(9))


def test_applying_a_change_twice_changes_nothing() -> None:
    once = apply_all(changes())
    assert apply_all([*changes(), *changes()]) == once


def test_the_hire_is_the_authority_on_who_and_what() -> None:
    early = Paid(
        ENG,
        Parties(university_id="wrong", company_id="co_a"),
        Payment("p", Money(1, "USD"), day(1)),
    )
    fact = apply_all([early, Hired(ENG, FULL, day(0))])
    assert fact.university_id == "uni_1"
    assert apply_all([Hired(ENG, FULL, day(0)), early]).university_id == "uni_1"


def test_a_new_offer_after_a_declined_one_clears_nothing_accepted_later() -> None:
    fact = apply_all([OfferMade(ENG, FULL, day(1)), OfferMade(ENG, FULL, day(3))])
    assert fact.offer_made_at == day(3)
    stale = apply_all([OfferMade(ENG, FULL, day(3)), OfferMade(ENG, FULL, day(1))])
    assert stale.offer_made_at == day(3)


def test_cancelled_sets_only_its_own_time() -> None:
    fact = apply_all([Cancelled(ENG, FULL, day(4))])
    assert (fact.cancelled_at, fact.completed_at, fact.hired_at) == (day(4), None, None)
