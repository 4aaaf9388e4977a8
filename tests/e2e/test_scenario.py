"""A whole micro-internship through the gateway of the running platform: post, apply (four
students), hire one (idempotently), the closure guarantee for the others, deliver, revision,
deliver again, approve, payout on hold until an account is registered, paid, both rate, the
experience record verified publicly; every inbox and the company's webhooks checked for
exactly-once effects."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from typing import Any

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import ROOT, Platform, Receiver, auth, event_key
from .flow import (
    apply,
    engagement_of,
    hire,
    inbox,
    posting,
    publish,
    review,
    submit,
    webhook_messages,
)

COMPANY_HOOK_TYPES = {
    "posting.published",
    "application.submitted",
    "candidate.hired",
    "application.rejected",
    "work.submitted",
    "revision.requested",
    "submission.approved",
    "engagement.completed",
    "payout.on_hold",
    "payout.paid",
    "funding.secured",
    "funding.released",
    "invoice.issued",
    "invoice.paid",
}


async def _kinds(http: httpx.AsyncClient, who: dict[str, str], expected: Counter[str]) -> None:
    """The inbox holds exactly `expected` (kind -> count) among those kinds, no id twice."""

    async def probe() -> list[dict[str, Any]]:
        return await inbox(http, who)

    def complete(found: list[dict[str, Any]]) -> bool:
        counts = Counter(n["kind"] for n in found)
        return all(counts[k] >= c for k, c in expected.items())

    found = await eventually(probe, until=complete, timeout=30, interval=0.2, what="inbox")
    ids = [n["id"] for n in found]
    assert len(ids) == len(set(ids)), "a notification listed twice"
    counts = Counter(n["kind"] for n in found)
    assert {k: counts[k] for k in expected} == dict(expected), counts


@pytest.mark.timeout(240)
async def test_posting_to_paid_intern_with_notifications_and_webhooks(
    http: httpx.AsyncClient, receiver: Receiver, unique: str
) -> None:
    company, university = f"cmp_{unique}", f"uni_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    hook = await http.post(
        "/v1/webhooks/endpoints",
        json={"url": f"{receiver.url}/{company}", "description": "e2e"},
        headers=employer,
    )
    assert hook.status_code == 201, hook.text
    endpoint_id, secret = hook.json()["endpoint"]["id"], hook.json()["secret"]

    posting_id = await publish(http, employer, posting(f"Coffee market {unique}"))
    students = [auth("student", f"stu{i}_{unique}", university) for i in range(4)]
    applications = [await apply(http, posting_id, s) for s in students]
    intern, others = students[0], students[1:]
    await hire(http, applications[0], employer)

    # Closure: the posting filled, so every other applicant is answered — rejected, with why.
    for application_id in applications[1:]:
        rejected = await eventually(
            lambda a=application_id: http.get(f"/v1/applications/{a}", headers=employer),
            until=lambda r: r.json().get("status") == "APPLICATION_STATUS_REJECTED",
            timeout=30,
            interval=0.1,
            what=f"{application_id} rejected",
        )
        assert rejected.json()["decision_reason"] == "posting_filled", rejected.text
    filled = await http.get(f"/v1/postings/{posting_id}", headers=employer)
    assert filled.json()["status"] == "POSTING_STATUS_FILLED"

    engagement_id = await engagement_of(http, intern)
    first = await submit(http, engagement_id, intern)
    revision = await review(http, engagement_id, employer, "request-revision", first)
    assert revision.json()["status"] == "ENGAGEMENT_STATUS_REVISION_REQUESTED", revision.text
    second = await submit(http, engagement_id, intern)
    approved = await review(http, engagement_id, employer, "approve", second)
    assert approved.status_code == 200, approved.text

    # No payout account yet: the money waits.
    held = await eventually(
        lambda: http.get("/v1/me/payouts", headers=intern),
        until=lambda r: (
            [p["status"] for p in r.json().get("payouts", [])] == ["PAYOUT_STATUS_ON_HOLD"]
        ),
        timeout=30,
        interval=0.1,
        what="payout on hold",
    )
    payout_id = held.json()["payouts"][0]["id"]
    account = await http.put(
        "/v1/me/payout-account",
        json={"destination_token": "tok_e2e", "country": "US", "currency": "USD"},
        headers=intern,
    )
    assert account.status_code == 200, account.text
    paid = await eventually(
        lambda: http.get(f"/v1/payouts/{payout_id}", headers=intern),
        until=lambda r: r.json().get("status") == "PAYOUT_STATUS_PAID",
        timeout=30,
        interval=0.1,
        what="payout paid",
    )
    assert paid.json()["amount"] == {"amount_minor": "60000", "currency": "USD"}
    year = paid.json()["paid_at"][:4]
    earnings = await http.get("/v1/me/earnings", params={"year": year}, headers=intern)
    assert earnings.json()["payout_count"] == 1, earnings.text  # money left once
    assert earnings.json()["total_paid"] == [{"amount_minor": "60000", "currency": "USD"}]

    for who, body in (
        (employer, {"rating": 5, "comment": "Sharp", "endorsed_skills": ["excel"]}),
        (intern, {"rating": 4, "comment": "Clear brief"}),
    ):
        rated = await http.post(f"/v1/engagements/{engagement_id}/feedback", json=body, headers=who)
        assert rated.status_code == 200, rated.text
    record = await http.get(f"/v1/engagements/{engagement_id}/experience-record", headers=intern)
    assert record.status_code == 200, record.text
    verified = await http.post("/v1/experience-records/verify", json={"jws": record.json()["jws"]})
    assert verified.json()["valid"] is True, verified.text
    completed = await eventually(
        lambda: http.get(f"/v1/postings/{posting_id}", headers=employer),
        until=lambda r: r.json().get("status") == "POSTING_STATUS_COMPLETED",
        timeout=30,
        interval=0.1,
        what="posting completed",
    )
    assert completed.json()["hired_count"] == 1

    # Each inbox: one notification per event that concerns it.
    await _kinds(
        http,
        intern,
        Counter(
            {
                "application.shortlisted": 1,
                "candidate.hired": 1,
                "funding.secured": 1,
                "revision.requested": 1,
                "submission.approved": 1,
                "payout.paid": 1,
            }
        ),
    )
    for other in others:
        await _kinds(http, other, Counter({"application.rejected": 1, "candidate.hired": 0}))
    await _kinds(http, employer, Counter({"application.submitted": 4, "work.submitted": 2}))

    # Webhooks: everything the service queued arrived, signed; one message per event.
    messages = await eventually(
        lambda: webhook_messages(http, endpoint_id, employer),
        until=lambda ms: (
            {m["event_type"] for m in ms} >= COMPANY_HOOK_TYPES
            and {m["id"] for m in ms} <= set(receiver.verified(f"/{company}", secret))
        ),
        timeout=40,
        interval=0.2,
        what="every webhook delivered",
    )
    event_ids = [m["event_id"] for m in messages]
    assert len(event_ids) == len(set(event_ids)), "an event queued twice for one endpoint"
    delivered = receiver.verified(f"/{company}", secret)
    assert set(delivered) == {m["id"] for m in messages}
    keys = Counter(event_key(payload) for payload in delivered.values())
    assert [k for k, n in keys.items() if n > 1] == [], "one event delivered under two ids"
    types = Counter(p["type"] for p in delivered.values())
    assert types["candidate.hired"] == 1, types
    assert types["payout.paid"] == 1, types
    assert types["application.submitted"] == 4, types
    assert types["application.rejected"] == 3, types


@pytest.mark.timeout(120)
def test_make_demo_plays_the_scenario(platform: Platform) -> None:
    """`make demo` against the running platform: every step succeeds (exit 0), narrated."""
    demo = subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/demo.py"), "--url", platform.url],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    steps = (
        "approves pst_",
        "REJECTED (posting_filled)",
        "is PAID: USD 600.00",
        "the employer paid USD 330.00, the sponsor covered USD 330.00",
        "the sponsor's invoice INV-",
        "valid=True",
    )
    for step in steps:
        assert step in demo.stdout, demo.stdout
    assert "signed events, each verified" in demo.stdout
