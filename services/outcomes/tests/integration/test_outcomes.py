"""Real events through Kafka into the read model, the report read over gRPC."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import grpc
import pytest
from google.protobuf.json_format import MessageToDict

from stint.common.v1.work_pb2 import CATEGORY_DESIGN, CATEGORY_SOFTWARE
from stint.contracts import topics
from stint.kit.grpc import Caller
from stint.kit.testing.poll import eventually
from stint.outcomes.v1 import outcomes_service_pb2 as api
from stint.postings.v1 import events_pb2 as posting_events

from .support import (
    T0,
    Harness,
    K,
    application,
    cancelled,
    completed,
    engagement_of,
    hired,
    paid,
    posting,
    released,
    revealed,
    submitted,
)

pytestmark = pytest.mark.integration

UNI = "uni_outcomes"
OFFICE = Caller("usr_office", "university", UNI, "req-1")
ADMIN = Caller("usr_admin", "admin", "", "req-2")


def counts(figures: Any) -> dict[str, str]:
    names = ("postings_approved", "students_applied", "students_hired", "engagements_completed",
             "engagements_cancelled", "repeat_hires", "ratings", "earnings_students")  # fmt: skip
    return {n: getattr(figures, n).display for n in names}


async def scenario(h: Harness) -> None:
    """co_a (design) hires s1 twice and s2, both complete and are paid and rated; co_b
    (software) hires s3, who is cancelled; s4 applies to co_b only; a student of another
    university applies to co_a. Events arrive out of order across topics, one twice."""
    pa = posting("co_a", CATEGORY_DESIGN, university=UNI)
    pa2 = posting("co_a", CATEGORY_DESIGN)
    pb = posting("co_b", CATEGORY_SOFTWARE, university=UNI)
    apps = {
        "s1": application(pa, "s1", UNI),
        "s1again": application(pa2, "s1", UNI),
        "s2": application(pa, "s2", UNI),
        "s3": application(pb, "s3", UNI),
        "s4": application(pb, "s4", UNI),
        "other": application(pa, "x9", "uni_other"),
    }
    engagements = {k: engagement_of(apps[k], CATEGORY_DESIGN) for k in ("s1", "s1again", "s2")}
    engagements["s3"] = engagement_of(apps["s3"], CATEGORY_SOFTWARE)
    # A payout and a rating before anything else is known of their engagement.
    early_pay = h.envelope(topics.PAYOUTS, paid(engagements["s1"], 40_000), engagements["s1"].id)
    await h.publish(early_pay, early_pay)  # redelivered: counted once
    await h.send(topics.SUBMISSIONS, revealed(engagements["s1"], 5), engagements["s1"].id)
    for p in (pa, pa2, pb):
        await h.send(topics.POSTINGS, posting_events.PostingPublished(posting=p), p.id)
    for p in (pa, pb):
        event = posting_events.PostingApprovedForUniversity(posting=p, university_id=UNI)
        await h.send(topics.POSTINGS, event, p.id)
    for a in apps.values():
        await h.send(topics.APPLICATIONS, submitted(a), a.id)
    for key, category in (
        ("s1", CATEGORY_DESIGN),
        ("s2", CATEGORY_DESIGN),
        ("s3", CATEGORY_SOFTWARE),
    ):
        await h.send(topics.APPLICATIONS, hired(apps[key], category), apps[key].id)
    await h.send(topics.APPLICATIONS, hired(apps["s1again"], CATEGORY_DESIGN), apps["s1again"].id)
    for key in ("s1", "s2"):
        await h.send(topics.SUBMISSIONS, completed(engagements[key]), engagements[key].id)
    await h.send(topics.SUBMISSIONS, cancelled(engagements["s3"]), engagements["s3"].id)
    await h.send(topics.SUBMISSIONS, revealed(engagements["s2"], 4), engagements["s2"].id)
    await h.send(topics.PAYOUTS, paid(engagements["s2"], 60_000), engagements["s2"].id)
    await h.send(topics.PAYOUTS, paid(engagements["s1again"], 10_000), engagements["s1again"].id)
    for key in ("s1", "s2"):
        event = released(engagements[key], UNI, 5_000)
        await h.send(topics.PAYOUTS, event, f"fnd_{key}")


EXPECTED_TOTALS = {
    "postings_approved": "2",
    "students_applied": "4",
    "students_hired": "3",
    "engagements_completed": "2",
    "engagements_cancelled": "< 2",
    "repeat_hires": "< 2",
    "ratings": "2",
    "earnings_students": "2",
}


async def consumed(h: Harness) -> api.UniversityOutcomes:
    """The report once every event of the scenario is in it."""

    def complete(r: api.UniversityOutcomes) -> bool:
        return (
            counts(r.totals) == EXPECTED_TOTALS
            and r.totals.earnings_total.amount_minor == 110_000
            and r.sponsored.engagements.value == 2
            and len(r.by_company) == 2
        )

    return await eventually(
        lambda: report(h, ADMIN), until=complete, what="the scenario's totals", timeout=30
    )


async def report(h: Harness, caller: Caller = OFFICE, **range_: Any) -> api.UniversityOutcomes:
    request = api.GetUniversityOutcomesRequest(university_id=UNI, **range_)
    return (await h.call("GetUniversityOutcomes", request, caller)).outcomes


async def test_a_universitys_outcomes_match_the_scenario_exactly(harness: Harness) -> None:
    await scenario(harness)
    r = await consumed(harness)
    assert r.suppression_k == K
    assert MessageToDict(r.totals.earnings_total) == {"amountMinor": "110000", "currency": "USD"}
    assert r.totals.earnings_median.amount_minor == 50_000  # s2 60,000; s1 40,000 + 10,000
    assert r.totals.rating_average == 4.5
    assert [(c.category, counts(c.figures)["students_hired"]) for c in r.by_category] == [
        (CATEGORY_DESIGN, "2"),
        (CATEGORY_SOFTWARE, "< 2"),
    ]
    a, b = r.by_company
    assert (a.company_id, b.company_id) == ("co_a", "co_b")
    assert counts(a.figures)["students_applied"] == "2"  # the other university's student is not
    assert b.figures.earnings_suppressed
    assert not b.figures.HasField("earnings_total")
    assert counts(b.figures)["students_applied"] == "2"
    assert [MessageToDict(m) for m in r.sponsored.spent] == [
        {"amountMinor": "10000", "currency": "USD"}
    ]
    assert r.sponsored.engagements.display == "2"
    later = api.GetUniversityOutcomesRequest(university_id=UNI)
    # Every fact is dated T0, but the ratings: when they were revealed (now).
    later.from_time.FromDatetime(T0 + timedelta(days=1))
    later.to_time.FromDatetime(T0 + timedelta(days=2))
    after = (await harness.call("GetUniversityOutcomes", later, OFFICE)).outcomes
    assert counts(after.totals)["students_hired"] == "< 2"
    assert (list(after.by_company), list(after.sponsored.spent)) == ([], [])


async def test_the_csv_export_and_who_may_read(harness: Harness) -> None:
    await scenario(harness)
    await consumed(harness)
    export = api.ExportUniversityOutcomesRequest(university_id=UNI)
    answer = await harness.call("ExportUniversityOutcomes", export, OFFICE)
    rows = list(csv.DictReader(io.StringIO(answer.csv.decode())))
    assert answer.filename == f"outcomes-{UNI}.csv"
    assert [r["group"] for r in rows] == ["total", "category", "category", "company", "company"]
    assert rows[0]["earnings_total_minor"] == "110000"
    assert rows[-1]["engagements_cancelled"] == "< 2"
    other = Caller("usr_u2", "university", "uni_other", "req-3")
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await report(harness, other)
    assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    for role, org in (("student", UNI), ("employer", "co_a")):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await report(harness, Caller("usr_x", role, org, "req-4"))
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_backwards_range_is_invalid(harness: Harness) -> None:
    request = api.GetUniversityOutcomesRequest(university_id=UNI)
    request.from_time.FromJsonString("2026-02-01T00:00:00Z")
    request.to_time.FromJsonString("2026-01-01T00:00:00Z")
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await harness.call("GetUniversityOutcomes", request, OFFICE)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
