"""A university's outcomes through the gateway of the running platform: a scenario of several
companies and students, the figures exact, the small groups suppressed (the platform's default
k = 5), as JSON and CSV; another university sees nothing of it. The company offers each of its
interns a job after the audition; the offers and their acceptance reach its webhook subscriber
and the outcomes."""

from __future__ import annotations

import asyncio
import csv
import io
from typing import Any

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import Receiver, auth
from .flow import apply, engagement_of, hire, posting, publish, review, submit

K = 5
FEE = 60_000


async def _complete_and_pay(
    http: httpx.AsyncClient, employer: dict[str, str], student: dict[str, str], rating: int
) -> None:
    """The hired student delivers, the employer approves, the intern is paid, both rate."""
    engagement_id = await engagement_of(http, student)
    number = await submit(http, engagement_id, student)
    approved = await review(http, engagement_id, employer, "approve", number)
    assert approved.status_code == 200, approved.text
    account = await http.put(
        "/v1/me/payout-account",
        json={"destination_token": "tok_e2e", "country": "US", "currency": "USD"},
        headers=student,
    )
    assert account.status_code == 200, account.text
    for who, score in ((employer, rating), (student, 5)):
        rated = await http.post(
            f"/v1/engagements/{engagement_id}/feedback", json={"rating": score}, headers=who
        )
        assert rated.status_code == 200, rated.text


def _shown(figures: dict[str, Any]) -> dict[str, str]:
    names = ("postings_approved", "students_applied", "students_hired", "engagements_completed",
             "engagements_cancelled", "repeat_hires", "ratings", "earnings_students")  # fmt: skip
    names += ("offers_made", "offers_accepted")
    return {n: figures[n]["display"] for n in names}


async def _offer_and_accept(
    http: httpx.AsyncClient, employer: dict[str, str], student: dict[str, str]
) -> str:
    """The employer offers the intern of the completed engagement a job; the intern accepts."""
    engagement_id = await engagement_of(http, student, "ENGAGEMENT_STATUS_COMPLETED")
    made = await http.post(
        f"/v1/engagements/{engagement_id}/offer",
        json={"kind": "OFFER_KIND_FULL_TIME", "role_title": "Junior market analyst"},
        headers=employer,
    )
    assert made.status_code == 201, made.text
    offer_id: str = made.json()["id"]
    accepted = await http.post(f"/v1/offers/{offer_id}/accept", json={}, headers=student)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "OFFER_STATUS_ACCEPTED"
    return offer_id


@pytest.mark.timeout(300)
async def test_a_universitys_outcomes_match_the_scenario_with_small_groups_suppressed(
    http: httpx.AsyncClient, unique: str, receiver: Receiver
) -> None:
    university = f"uni_{unique}"
    office = auth("university", f"office_{unique}", university)
    big, small = f"cmp_a_{unique}", f"cmp_b_{unique}"
    employer_a = auth("employer", f"boss_a_{unique}", big)
    employer_b = auth("employer", f"boss_b_{unique}", small)
    students = [auth("student", f"stu{i}_{unique}", university) for i in range(6)]
    outsider = auth("student", f"out_{unique}", f"uni_other_{unique}")

    # Company A: a project aimed at the university, approved, five of its students hired.
    aimed = posting(f"Campus study {unique}", positions=5, universities=(university,))
    posting_a = await publish(http, employer_a, aimed)
    approval = await http.post(
        f"/v1/postings/{posting_a}/university-approvals",
        json={"decision": "approve"},
        headers=office,
    )
    assert approval.status_code == 200, approval.text
    # Company B: a public project; one of A's interns and a sixth student apply, one is hired.
    posting_b = await publish(http, employer_b, posting(f"Public study {unique}"))
    applications_a = [await apply(http, posting_a, s) for s in students[:5]]
    await apply(http, posting_b, students[0])
    hired_b = await apply(http, posting_b, students[5])
    await apply(http, posting_b, outsider)  # another university's student: never counted
    for application_id in applications_a:
        await hire(http, application_id, employer_a)
    await hire(http, hired_b, employer_b)
    ratings = [5, 4, 4, 3, 5]
    await asyncio.gather(
        *(
            _complete_and_pay(http, employer_a, s, r)
            for s, r in zip(students, ratings, strict=False)
        )
    )
    # The audition's promise: A offers each of its five interns a job, an ATS subscribes.
    hook = await http.post(
        "/v1/webhooks/endpoints",
        json={
            "url": f"{receiver.url}/ats-{unique}",
            "event_types": ["offer.made", "offer.accepted"],
        },
        headers=employer_a,
    )
    assert hook.status_code == 201, hook.text
    offers = {await _offer_and_accept(http, employer_a, s) for s in students[:5]}

    expected = {
        "postings_approved": f"< {K}",
        "students_applied": "6",
        "students_hired": "6",
        "engagements_completed": "5",
        "engagements_cancelled": f"< {K}",
        "repeat_hires": f"< {K}",
        "ratings": "5",
        "earnings_students": "5",
        "offers_made": "5",
        "offers_accepted": "5",
    }
    url = f"/v1/universities/{university}/outcomes"

    async def probe() -> httpx.Response:
        return await http.get(url, headers=office)

    def complete(r: httpx.Response) -> bool:
        return r.status_code == 200 and _shown(r.json()["totals"]) == expected

    answer = await eventually(
        probe, until=complete, timeout=90, interval=0.5, what="the scenario's outcomes"
    )
    report = answer.json()
    assert report["suppression_k"] == K
    totals = report["totals"]
    assert totals["earnings_total"] == {"amount_minor": str(5 * FEE), "currency": "USD"}
    assert totals["earnings_median"] == {"amount_minor": str(FEE), "currency": "USD"}
    assert totals["rating_average"] == sum(ratings) / len(ratings)
    assert totals["postings_approved"]["value"] == "0"  # suppressed: no number leaks
    by_company = {c["company_id"]: c["figures"] for c in report["by_company"]}
    assert list(by_company) == [big, small]
    assert _shown(by_company[big])["students_hired"] == "5"
    assert _shown(by_company[small])["students_hired"] == f"< {K}"
    assert by_company[small]["earnings_suppressed"] is True
    assert "earnings_total" not in by_company[small]
    (category,) = report["by_category"]
    assert category["category"] == "CATEGORY_MARKET_RESEARCH"

    exported = await http.get(f"{url}.csv", headers=office)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["group"] for r in rows] == ["total", "category", "company", "company"]
    assert rows[0]["earnings_total_minor"] == str(5 * FEE)
    assert rows[-1]["students_hired"] == f"< {K}"

    other = auth("university", f"office2_{unique}", f"uni_other_{unique}")
    assert (await http.get(url, headers=other)).status_code == 404
    assert (await http.get(url, headers=students[0])).status_code == 403
    assert (await http.get(url, headers=employer_a)).status_code == 403

    def both_delivered(found: dict[str, dict[str, Any]]) -> bool:
        seen = {(p["type"], p["data"]["offer"]["id"]) for p in found.values()}
        return seen == {(t, o) for t in ("offer.made", "offer.accepted") for o in offers}

    secret = hook.json()["secret"]
    delivered = await eventually(
        lambda: _verified(receiver, f"/ats-{unique}", secret),
        until=both_delivered,
        timeout=60,
        interval=0.2,
        what="offer.made and offer.accepted at the ATS",
    )
    accepted = [p for p in delivered.values() if p["type"] == "offer.accepted"]
    assert {p["data"]["offer"]["company_id"] for p in accepted} == {big}
    assert {p["data"]["offer"]["kind"] for p in accepted} == {"OFFER_KIND_FULL_TIME"}


async def _verified(receiver: Receiver, path: str, secret: str) -> dict[str, dict[str, Any]]:
    return receiver.verified(path, secret)
