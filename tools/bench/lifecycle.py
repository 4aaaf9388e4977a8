"""One complete micro-internship through the REST API, as in the gateway's lifecycle test:
post, publish, apply, shortlist, hire, engagement appears, submit, approve, payout paid,
feedback both ways, experience record — timing approve → paid and approve → webhook."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tools.bench.api import Api, StepFailed, backoff, bearer
from tools.bench.webhooks import Receiver

PAID = "PAYOUT_STATUS_PAID"
# The resolution of approve → paid; shorter would add polling load to what is measured.
PAYOUT_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Tenant:
    """The company every lifecycle of a run posts for (its webhook endpoint gets them all)."""

    company: str
    employer: dict[str, str]


@dataclass(frozen=True)
class Timings:
    approve_to_paid: float
    approve_to_webhook: float | None  # None: the webhook did not arrive in time


def posting() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "title": "Market sizing for a campus coffee app",
        "summary": "Estimate the market for a student coffee subscription.",
        "category": "CATEGORY_MARKET_RESEARCH",
        "skills": ["excel"],
        "estimated_hours": 12,
        "fee": {"amount_minor": 60000, "currency": "USD"},
        "positions": 1,
        "application_deadline": (now + timedelta(days=3)).isoformat(),
        "due_date": (now + timedelta(days=14)).isoformat(),
        "acceptance_criteria": ["A 5-page report with sources"],
        "ai_policy": "AI_POLICY_ALLOWED",
        "visibility": "VISIBILITY_PUBLIC",
    }


SUBMISSION = {
    "note": "Report attached.",
    "artifacts": [{"name": "r.pdf", "url": "https://files.example/r.pdf", "sha256": "a" * 64}],
}
ACCOUNT = {"destination_token": "tok_good", "country": "US", "currency": "USD"}


async def hire(api: Api, t: Tenant, student: dict[str, str]) -> str:
    """Post → … → hired; the engagement id once the intern can see it."""
    created = await api.call("POST", "/v1/postings", t.employer, posting(), ok=201)
    pid = created["id"]
    await api.call("POST", "/v1/postings/{posting_id}/publish", t.employer, {}, posting_id=pid)
    applied = await api.until(
        "POST",
        "/v1/postings/{posting_id}/applications",
        student,
        {"pitch": "Me!"},
        201,
        posting_id=pid,
    )
    aid = applied["id"]
    await api.call(
        "POST", "/v1/applications/{application_id}/shortlist", t.employer, {}, application_id=aid
    )
    await api.call(
        "POST", "/v1/applications/{application_id}/hire", t.employer, {}, application_id=aid
    )
    deadline = time.perf_counter() + 30
    for wait in backoff():
        found = await api.call("GET", "/v1/me/engagements", student)
        if found["engagements"]:
            return str(found["engagements"][0]["id"])
        if time.perf_counter() > deadline:
            break
        await asyncio.sleep(wait)
    raise StepFailed("the engagement did not appear within 30 s")


async def lifecycle(api: Api, t: Tenant, receiver: Receiver, student_id: str) -> Timings:
    student = bearer("student", student_id)
    # Registered first, so approve → paid measures the pipeline, not a payout on hold.
    await api.call("PUT", "/v1/me/payout-account", student, ACCOUNT)
    eid = await hire(api, t, student)
    await api.call(
        "POST",
        "/v1/engagements/{engagement_id}/submissions",
        student,
        SUBMISSION,
        201,
        engagement_id=eid,
    )
    approval = {"submission_number": 1, "feedback": "Great work"}
    await api.call(
        "POST", "/v1/engagements/{engagement_id}/approve", t.employer, approval, engagement_id=eid
    )
    approved = time.perf_counter()
    paid = await _paid(api, student, approved + 60)
    for who, body in (
        (t.employer, {"rating": 5, "comment": "Sharp", "endorsed_skills": ["excel"]}),
        (student, {"rating": 4, "comment": "Clear brief"}),
    ):
        await api.call(
            "POST", "/v1/engagements/{engagement_id}/feedback", who, body, engagement_id=eid
        )
    await api.call(
        "GET", "/v1/engagements/{engagement_id}/experience-record", student, engagement_id=eid
    )
    try:
        hooked: float | None = await receiver.arrival(eid, timeout=max(1.0, approved + 60 - paid))
    except TimeoutError:
        hooked = None
    return Timings(paid - approved, None if hooked is None else hooked - approved)


async def _paid(api: Api, student: dict[str, str], deadline: float) -> float:
    while time.perf_counter() < deadline:
        payouts = (await api.call("GET", "/v1/me/payouts", student))["payouts"]
        if [p["status"] for p in payouts] == [PAID]:
            return time.perf_counter()
        await asyncio.sleep(PAYOUT_POLL_SECONDS)
    raise StepFailed("the payout was not paid within 60 s of the approval")
