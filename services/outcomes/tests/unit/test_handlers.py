"""The use cases over in-memory stores: idempotent consumption and who may read."""

from __future__ import annotations

import pytest

from outcomes.domain.changes import Hired, Paid
from outcomes.domain.facts import Applied, Approval, Parties, Payment, PostingInfo
from stint.kit.actor import Actor
from stint.kit.errors import InvalidArgument, NotFound, PermissionDenied
from stint.kit.money import Money

from .builders import UNI, day
from .fakes import build

OFFICE = Actor("u1", "university", UNI)
ADMIN = Actor("a1", "admin")


async def test_a_redelivered_event_changes_nothing() -> None:
    handlers, repo, _ = build()
    pay = Paid("eng_1", Parties(student_id="s1"), Payment("pay_1", Money(100, "USD"), day(3)))
    await handlers.facts.on_engagement(pay, "evt_1")
    await handlers.facts.on_engagement(pay, "evt_1")
    assert repo.engagements.writes == 1


async def test_a_payout_before_the_hire_lands_on_the_hires_fact() -> None:
    handlers, repo, _ = build()
    pay = Paid("eng_1", Parties(student_id="s1"), Payment("pay_1", Money(100, "USD"), day(3)))
    await handlers.facts.on_engagement(pay, "evt_pay")
    assert await handlers.reports.outcomes(UNI, None, None, OFFICE) is not None
    assert not repo.engagements.facts["eng_1"].university_id
    await handlers.facts.on_engagement(Hired("eng_1", Parties(UNI, "s1", "co_a"), day(1)), "evt_h")
    fact = repo.engagements.facts["eng_1"]
    assert (fact.university_id, fact.hired_at, len(fact.payments)) == (UNI, day(1), 1)


async def test_an_older_posting_version_never_replaces_a_newer_one() -> None:
    handlers, repo, _ = build()
    await handlers.facts.on_posting(PostingInfo("pst_1", "co_a", "", "DESIGN", 3), "e1")
    await handlers.facts.on_posting(PostingInfo("pst_1", "co_a", "", "SALES", 2), "e2")
    assert repo.postings.facts["pst_1"].category == "DESIGN"


async def test_a_decline_after_an_approval_takes_the_posting_out_of_the_count() -> None:
    handlers, repo, _ = build()
    info = PostingInfo("pst_1", "co_a", "", "DESIGN", 2)
    await handlers.facts.on_university_decision(
        info, Approval(UNI, "pst_1", "co_a", "", "DESIGN", day(1), 2), "e1"
    )
    await handlers.facts.on_university_decision(
        info, Approval(UNI, "pst_1", "co_a", "", "DESIGN", None, 3), "e2"
    )
    assert repo.approvals.facts[f"{UNI}/pst_1"].approved_at is None
    await handlers.facts.on_university_decision(
        info, Approval(UNI, "pst_1", "co_a", "", "DESIGN", day(1), 2), "e1b"
    )
    assert repo.approvals.facts[f"{UNI}/pst_1"].approved_at is None  # stale, out of order


async def test_the_first_record_of_an_application_wins() -> None:
    handlers, repo, _ = build()
    await handlers.facts.on_application(Applied("app_1", UNI, "s1", "pst_1", "co_a", day(1)), "e1")
    await handlers.facts.on_application(Applied("app_1", UNI, "s1", "pst_1", "co_a", day(9)), "e2")
    assert repo.applied.facts["app_1"].applied_at == day(1)


async def test_the_office_and_admins_read_it_other_universities_do_not_see_it() -> None:
    handlers, _, _ = build()
    assert (await handlers.reports.outcomes(UNI, None, None, OFFICE)).university_id == UNI
    assert (await handlers.reports.outcomes(UNI, None, None, ADMIN)).k == 2
    with pytest.raises(NotFound):
        await handlers.reports.outcomes(UNI, None, None, Actor("u2", "university", "uni_2"))
    for role in ("student", "employer"):
        with pytest.raises(PermissionDenied):
            await handlers.reports.outcomes(UNI, None, None, Actor("x", role, UNI))


async def test_a_range_must_be_forward_and_bounded() -> None:
    handlers, _, _ = build()
    with pytest.raises(InvalidArgument) as backwards:
        await handlers.reports.outcomes(UNI, day(5), day(5), OFFICE)
    assert backwards.value.violations[0].field == "to_time"
    with pytest.raises(InvalidArgument, match="at most 366 days"):
        await handlers.reports.outcomes(UNI, day(0), day(400), OFFICE)
    with pytest.raises(InvalidArgument):
        await handlers.reports.outcomes("", None, None, ADMIN)


async def test_the_csv_export_names_its_file_after_the_university() -> None:
    handlers, _, _ = build()
    text, name = await handlers.reports.outcomes_csv(UNI, None, None, OFFICE)
    assert name == f"outcomes-{UNI}.csv"
    assert text.startswith("university_id,from,to,suppression_k,group")


async def test_the_csv_file_name_is_ascii_whatever_the_university_id() -> None:
    handlers, _, _ = build()
    _, name = await handlers.reports.outcomes_csv('uni_é"x', None, None, ADMIN)
    assert name == "outcomes-uni___x.csv"


async def test_an_application_takes_its_postings_category_when_the_posting_was_seen() -> None:
    handlers, repo, _ = build()
    await handlers.facts.on_posting(PostingInfo("pst_1", "co_a", "Acme", "DESIGN", 2), "e1")
    await handlers.facts.on_application(Applied("app_1", UNI, "s1", "pst_1", "co_a", day(1)), "e2")
    await handlers.facts.on_application(Applied("app_2", UNI, "s2", "pst_9", "co_b", day(1)), "e3")
    assert (repo.applied.facts["app_1"].category, repo.applied.facts["app_1"].company_name) == (
        "DESIGN",
        "Acme",
    )
    assert repo.applied.facts["app_2"].category == ""  # resolved when a report is made
