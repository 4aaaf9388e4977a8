"""One complete micro-internship through the REST API, as in the gateway's lifecycle test:
post, publish, apply, shortlist, hire, engagement appears, submit, approve, payout paid,
feedback both ways, experience record — timing approve → paid and approve → webhook.

Where a step waits for another service (events are asynchronous), the lifecycle waits for the
company's webhook that says so and then asks once; it polls only rarely before the webhook
(in case one is late) and with a short backoff after it (while the answering service's
projection catches up), so that waiting lifecycles do not become the load being measured.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from stint.kit.ids import new_id
from tools.bench.api import Api, StepFailed, backoff, bearer
from tools.bench.webhooks import EVENT_TYPES, Receiver

PAID = "PAYOUT_STATUS_PAID"
T = TypeVar("T")


@dataclass(frozen=True)
class Tenant:
    """A verified company with a webhook endpoint for the events the lifecycles wait for. Each
    worker of a level posts for its own company, so one endpoint's delivery limit is not the
    bottleneck."""

    company: str
    employer: dict[str, str]


@dataclass(frozen=True)
class Timings:
    approve_to_paid: float  # to the payout's own paid_at (the platform's clock, not a poll)
    approve_to_webhook: float | None  # None: the webhook did not arrive in time


async def new_tenant(api: Api, receiver: Receiver) -> Tenant:
    company = new_id("cmp")  # payouts accepts real ids only
    tenant = Tenant(company, bearer("employer", new_id("usr"), org=company))
    hook = {"url": receiver.url, "event_types": list(EVENT_TYPES)}
    await api.call("POST", "/v1/webhooks/endpoints", tenant.employer, hook, 201)
    # A verified company's clean postings open on publish (an unverified one's wait for review).
    verified = {"status": "VERIFICATION_STATUS_VERIFIED", "domain": "bench.example"}
    admin = bearer("admin", new_id("usr"))
    await api.call(
        "POST", "/v1/companies/{company_id}/verification", admin, verified, company_id=company
    )
    return tenant


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


async def when_told(
    receiver: Receiver,
    event: str,
    key: str,
    attempt: Callable[[], Awaitable[T | None]],
    deadline: float,
) -> T:
    """`attempt()` (None: not yet) once the webhook `event` for `key` arrived: before it only
    every 1, 2, 4, 8 s, after it with a 50 ms … 800 ms backoff."""
    rarely, soon = backoff(1.0, 2.0, 8.0), backoff(0.05, 2.0, 0.8)
    told = False
    while (left := deadline - time.perf_counter()) > 0:
        if told:
            await asyncio.sleep(min(next(soon), left))
        else:
            told = await receiver.wait(event, key, min(next(rarely), left))
        found = await attempt()
        if found is not None:
            return found
    raise StepFailed(f"not done in time after {event} (webhook {'seen' if told else 'missing'})")


CARD = {"kind": "FUNDING_METHOD_KIND_CARD", "token": "tok_card_4242", "currency": "USD"}


async def hire(
    api: Api, t: Tenant, receiver: Receiver, student: dict[str, str], deadline: float
) -> str:
    """Post → … → hired; the engagement id once it is funded and the intern can start."""
    created = await api.call("POST", "/v1/postings", t.employer, posting(), ok=201)
    pid = created["id"]
    await api.call("POST", "/v1/postings/{posting_id}/publish", t.employer, {}, posting_id=pid)

    async def apply() -> str | None:
        url = "/v1/postings/{posting_id}/applications"
        answer = await api.request("POST", url, student, {"pitch": "Me!"}, posting_id=pid)
        if answer.status_code == 409 and answer.json().get("code") == "POSTING_NOT_READY":
            return None  # the applications service has not seen it yet (it says: retry)
        if answer.status_code != 201:
            raise StepFailed(f"POST {url}: {answer.status_code} {answer.text[:300]}")
        return str(answer.json()["id"])

    aid = await when_told(receiver, "posting.published", pid, apply, deadline)
    await api.call(
        "POST", "/v1/applications/{application_id}/shortlist", t.employer, {}, application_id=aid
    )
    await api.call("PUT", "/v1/me/funding-method", t.employer, CARD)  # charged at hire
    await api.call(
        "POST", "/v1/applications/{application_id}/hire", t.employer, {}, application_id=aid
    )

    async def engagement() -> str | None:
        found = (await api.call("GET", "/v1/me/engagements", student))["engagements"]
        # Listed at hire, but the work starts once the company's charge is in escrow.
        active = [e for e in found if e["status"] == "ENGAGEMENT_STATUS_ACTIVE"]
        return str(active[0]["id"]) if active else None

    return await when_told(receiver, "engagement.started", aid, engagement, deadline)


async def lifecycle(
    api: Api, t: Tenant, receiver: Receiver, student_id: str, timeout: float
) -> Timings:
    deadline = time.perf_counter() + timeout
    student = bearer("student", student_id)
    # Registered first, so approve → paid measures the pipeline, not a payout on hold.
    await api.call("PUT", "/v1/me/payout-account", student, ACCOUNT)
    eid = await hire(api, t, receiver, student, deadline)
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
    approved, approved_wall = time.perf_counter(), time.time()

    async def paid() -> dict[str, Any] | None:
        payouts = (await api.call("GET", "/v1/me/payouts", student))["payouts"]
        return payouts[0] if [p["status"] for p in payouts] == [PAID] else None

    payout = await when_told(receiver, "payout.paid", eid, paid, deadline)
    paid_after = _paid_at(payout, time.time()) - approved_wall
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
    left = max(1.0, deadline - time.perf_counter())
    try:
        hooked: float | None = await receiver.arrival("submission.approved", eid, left)
    except TimeoutError:
        hooked = None
    return Timings(paid_after, None if hooked is None else hooked - approved)


def _paid_at(payout: dict[str, Any], seen: float) -> float:
    """The payout's paid_at as epoch seconds; when it is missing, when the bench saw it paid."""
    try:
        return datetime.fromisoformat(str(payout["paid_at"])).timestamp()
    except (KeyError, ValueError):
        return seen
