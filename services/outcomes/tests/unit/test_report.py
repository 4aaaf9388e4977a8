"""The report: totals, categories, companies, each group suppressed on its own."""

from __future__ import annotations

from dataclasses import replace

from outcomes.domain.facts import Facts, PostingInfo
from outcomes.domain.report import report
from outcomes.domain.window import Window
from stint.kit.money import Money

from .builders import UNI, applied, approval, day, hire

K = 3


def scenario() -> Facts:
    """co_a (DESIGN) hires s1..s4, co_b (SOFTWARE) hires s5; s1 hired twice by co_a."""
    hires = [hire(f"s{i}", "co_a", paid=100 * i, rating=4) for i in range(1, 5)]
    hires.append(hire("s1", "co_a", at=20, n=2))
    hires.append(hire("s5", "co_b", category="SOFTWARE", paid=999, rating=1))
    apps = [applied(f"s{i}", "pst_1", "co_a") for i in range(1, 7)]
    apps.append(applied("s5", "pst_2", "co_b", category=""))
    return Facts(
        approvals=[approval("pst_1"), approval("pst_2", "co_b", "SOFTWARE")],
        applied=apps,
        engagements=hires,
        postings={"pst_2": PostingInfo("pst_2", "co_b", "Beta Inc", "SOFTWARE", 3)},
    )


def test_totals_over_the_whole_university() -> None:
    r = report(UNI, scenario(), Window(), K, day(100), 50)
    t = r.totals
    assert t.students_applied.value == 6
    assert t.students_hired.value == 5
    assert t.postings_approved.display == "< 3"  # two postings
    assert t.repeat_hires.suppressed  # one repeat hire
    assert t.earnings_total == Money(100 + 200 + 300 + 400 + 999, "USD")
    assert t.earnings_median == Money(300, "USD")
    assert t.rating_average == round((4 * 4 + 1) / 5, 2)


def test_by_category_uses_the_posting_category_for_applications_that_lack_it() -> None:
    r = report(UNI, scenario(), Window(), K, day(100), 50)
    cats = dict(r.by_category)
    assert list(cats) == ["DESIGN", "SOFTWARE"]
    assert cats["DESIGN"].students_hired.value == 4
    assert cats["SOFTWARE"].students_applied.display == "< 3"


def test_a_small_company_has_its_counts_and_money_suppressed() -> None:
    r = report(UNI, scenario(), Window(), K, day(100), 50)
    a, b = r.by_company
    assert (a.company_id, b.company_id) == ("co_a", "co_b")  # most hires first
    assert a.figures.earnings_total == Money(1000, "USD")
    assert b.company_name == "Beta Inc"
    assert b.figures.students_hired.suppressed
    assert b.figures.earnings_suppressed
    assert b.figures.earnings_total is None
    assert b.figures.rating_suppressed
    assert b.figures.rating_average == 0.0


def test_companies_beyond_the_limit_are_counted_as_omitted() -> None:
    r = report(UNI, scenario(), Window(), K, day(100), 1)
    assert [c.company_id for c in r.by_company] == ["co_a"]
    assert r.companies_omitted == 1


def test_groups_without_activity_in_the_window_are_left_out() -> None:
    facts = scenario()
    late = replace(facts, engagements=[*facts.engagements, hire("s9", "co_c", at=60)])
    r = report(UNI, late, Window(day(50), day(70)), K, day(100), 50)
    assert [c.company_id for c in r.by_company] == ["co_c"]
    assert r.totals.students_hired.suppressed


def test_another_universitys_facts_never_count() -> None:
    facts = scenario()
    foreign = [hire(f"x{i}", university="uni_2") for i in range(5)]
    r = report(
        UNI, replace(facts, engagements=[*facts.engagements, *foreign]), Window(), K, day(1), 9
    )
    assert r.totals.students_hired.value == 5


def test_sponsored_spending_is_the_universitys_own_share_in_the_window() -> None:
    share = Money(250, "USD")
    mine = [
        hire(f"s{i}", sponsor_university_id=UNI, sponsor_share=share, sponsored_at=day(10))
        for i in range(3)
    ]
    other = hire("z", sponsor_university_id="uni_2", sponsor_share=share, sponsored_at=day(10))
    late = hire("y", sponsor_university_id=UNI, sponsor_share=share, sponsored_at=day(90))
    facts = Facts(sponsored=[*mine, other, late])
    r = report(UNI, facts, Window(day(0), day(30)), K, day(100), 9)
    assert r.sponsored.spent == [Money(750, "USD")]
    assert r.sponsored.engagements.value == 3


def test_an_offer_made_and_accepted_shows_once_k_is_reached() -> None:
    offers = [hire(f"s{i}", offer_made_at=day(30), offer_accepted_at=day(31)) for i in range(3)]
    r = report(UNI, Facts(engagements=offers), Window(), K, day(100), 9)
    assert (r.totals.offers_made.value, r.totals.offers_accepted.value) == (3, 3)
    r2 = report(UNI, Facts(engagements=offers[:2]), Window(), K, day(100), 9)
    assert r2.totals.offers_accepted.display == "< 3"
