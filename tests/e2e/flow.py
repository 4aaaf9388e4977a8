"""Steps of a micro-internship through the REST API, shared by the e2e tests."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from stint.kit.testing.poll import eventually

from .conftest import auth, until_status

# Companies an admin verified in this run (each once: a clean posting then opens on publish).
_VERIFIED: set[str] = set()


def posting(title: str, positions: int = 1, universities: tuple[str, ...] = ()) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": title,
        "summary": "Estimate the market for a student coffee subscription.",
        "description": "Use public data; deliver a short report.",
        "category": "CATEGORY_MARKET_RESEARCH",
        "skills": ["market-research", "excel"],
        "estimated_hours": 12,
        "fee": {"amount_minor": 60000, "currency": "USD"},
        "positions": positions,
        "application_deadline": (now + timedelta(days=3)).isoformat(),
        "due_date": (now + timedelta(days=14)).isoformat(),
        "acceptance_criteria": ["A 5-page report with sources"],
        "ai_policy": "AI_POLICY_ALLOWED",
        "visibility": "VISIBILITY_UNIVERSITIES" if universities else "VISIBILITY_PUBLIC",
    }
    if universities:
        body["university_ids"] = list(universities)
    return body


async def verify_company(http: httpx.AsyncClient, employer: dict[str, str]) -> None:
    """An admin verifies the employer's company (its token's `org`) once per run."""
    claims = employer["Authorization"].split()[1].split(".")[1]
    company = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["org"]
    if company in _VERIFIED:
        return
    verified = await http.post(
        f"/v1/companies/{company}/verification",
        json={"status": "VERIFICATION_STATUS_VERIFIED", "domain": "example.com"},
        headers=auth("admin", "usr_e2e_verifier"),
    )
    assert verified.status_code == 200, verified.text
    _VERIFIED.add(company)


async def publish(http: httpx.AsyncClient, employer: dict[str, str], body: dict[str, Any]) -> str:
    await verify_company(http, employer)
    created = await http.post("/v1/postings", json=body, headers=employer)
    assert created.status_code == 201, created.text
    posting_id: str = created.json()["id"]
    published = await http.post(f"/v1/postings/{posting_id}/publish", json={}, headers=employer)
    assert published.json()["status"] == "POSTING_STATUS_OPEN", published.text
    return posting_id


async def apply(http: httpx.AsyncClient, posting_id: str, student: dict[str, str]) -> str:
    """Apply once the applications service has seen the posting open."""
    applied = await until_status(
        http,
        "POST",
        f"/v1/postings/{posting_id}/applications",
        201,
        json={"pitch": "I ran a survey of 400 students last term."},
        headers=student,
    )
    application_id: str = applied.json()["id"]
    return application_id


CARD = {"kind": "FUNDING_METHOD_KIND_CARD", "token": "tok_card_4242", "currency": "USD"}


async def fund(http: httpx.AsyncClient, employer: dict[str, str], **method: str) -> dict[str, Any]:
    """Register (or replace) the employer's company's funding method: a good card by default."""
    registered = await http.put("/v1/me/funding-method", json=CARD | method, headers=employer)
    assert registered.status_code == 200, registered.text
    body: dict[str, Any] = registered.json()
    return body


async def hire(
    http: httpx.AsyncClient,
    application_id: str,
    employer: dict[str, str],
    *,
    funded: bool = True,
) -> None:
    """Shortlist and hire (idempotently); `funded`: with a good card on file first, so the
    engagement is charged into escrow and starts."""
    if funded:
        await fund(http, employer)
    shortlisted = await http.post(
        f"/v1/applications/{application_id}/shortlist", json={}, headers=employer
    )
    assert shortlisted.json()["status"] == "APPLICATION_STATUS_SHORTLISTED", shortlisted.text
    key = {"Idempotency-Key": f"hire-{application_id}"}
    first = await http.post(
        f"/v1/applications/{application_id}/hire", json={}, headers=employer | key
    )
    again = await http.post(
        f"/v1/applications/{application_id}/hire", json={}, headers=employer | key
    )
    assert first.status_code == 200, first.text
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()


async def engagement_of(
    http: httpx.AsyncClient, student: dict[str, str], status: str = "ENGAGEMENT_STATUS_ACTIVE"
) -> str:
    """The student's only engagement, once the submissions service has created it and it is
    in `status` (ACTIVE: funded, the work can start)."""

    def ready(r: httpx.Response) -> bool:
        found = r.json().get("engagements", []) if r.status_code == 200 else []
        return len(found) == 1 and found[0]["status"] == status

    listed = await eventually(
        lambda: http.get("/v1/me/engagements", headers=student),
        until=ready,
        timeout=30,
        interval=0.1,
        what="the engagement",
    )
    engagement_id: str = listed.json()["engagements"][0]["id"]
    return engagement_id


async def submit(http: httpx.AsyncClient, engagement_id: str, student: dict[str, str]) -> int:
    """Deliver the work; returns the submission number."""
    submitted = await http.post(
        f"/v1/engagements/{engagement_id}/submissions",
        json={
            "note": "Report attached.",
            "artifacts": [
                {"name": "report.pdf", "url": "https://files.example/r.pdf", "sha256": "a" * 64}
            ],
        },
        headers=student,
    )
    assert submitted.status_code == 201, submitted.text
    engagement = await http.get(f"/v1/engagements/{engagement_id}", headers=student)
    return len(engagement.json()["submissions"])


async def review(
    http: httpx.AsyncClient, engagement_id: str, employer: dict[str, str], verb: str, number: int
) -> httpx.Response:
    """`approve` or `request-revision` of submission `number`."""
    return await http.post(
        f"/v1/engagements/{engagement_id}/{verb}",
        json={"submission_number": number, "feedback": "Looked at it closely."},
        headers=employer,
    )


async def hired_engagement(
    http: httpx.AsyncClient, employer: dict[str, str], student: dict[str, str], title: str
) -> str:
    """A public posting with one position, the student applied and hired: the engagement id."""
    posting_id = await publish(http, employer, posting(title))
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer)
    return await engagement_of(http, student)


async def inbox(http: httpx.AsyncClient, who: dict[str, str]) -> list[dict[str, Any]]:
    """Every notification in the caller's inbox (all pages)."""
    found: list[dict[str, Any]] = []
    token = ""
    while True:
        page = await http.get(
            "/v1/me/notifications", params={"page_size": 100, "page_token": token}, headers=who
        )
        assert page.status_code == 200, page.text
        found += page.json()["notifications"]
        token = page.json().get("next_page_token", "")
        if not token:
            return found


async def webhook_messages(
    http: httpx.AsyncClient, endpoint_id: str, owner: dict[str, str]
) -> list[dict[str, Any]]:
    """Every message the notifications service queued for an endpoint (all pages)."""
    found: list[dict[str, Any]] = []
    token = ""
    while True:
        page = await http.get(
            f"/v1/webhooks/endpoints/{endpoint_id}/messages",
            params={"page_size": 100, "page_token": token},
            headers=owner,
        )
        assert page.status_code == 200, page.text
        found += page.json()["messages"]
        token = page.json().get("next_page_token", "")
        if not token:
            return found
