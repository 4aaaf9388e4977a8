"""A whole micro-internship through the REST API, against the real services on real Kafka and
FerretDB: post, publish, apply, hire (idempotently), deliver, approve, get paid, rate, and
fetch a verifiable experience record — plus tenant isolation along the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from stint.kit.mongo import Database, MongoClient
from stint.kit.testing.poll import eventually

from ..conftest import client, settings, token, verify_company
from .platform import backends


def _posting() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "title": "Market sizing for a campus coffee app",
        "summary": "Estimate the market for a student coffee subscription.",
        "description": "Use public data; deliver a short report.",
        "category": "CATEGORY_MARKET_RESEARCH",
        "skills": ["Market Research", "excel"],
        "estimated_hours": 12,
        "fee": {"amount_minor": 60000, "currency": "USD"},
        "positions": 1,
        "application_deadline": (now + timedelta(days=3)).isoformat(),
        "due_date": (now + timedelta(days=14)).isoformat(),
        "acceptance_criteria": ["A 5-page report with sources"],
        "ai_policy": "AI_POLICY_ALLOWED",
        "visibility": "VISIBILITY_PUBLIC",
    }


async def _until(c: httpx.AsyncClient, method: str, url: str, ok: int, **kw: Any) -> httpx.Response:
    """Retry while another service's projection catches up (events are asynchronous)."""

    async def attempt() -> httpx.Response:
        return await c.request(method, url, **kw)

    return await eventually(
        attempt, until=lambda r: r.status_code == ok, timeout=30, what=f"{method} {url} -> {ok}"
    )


@pytest.mark.timeout(240)
async def test_posting_to_payout_and_experience_record(
    mongo_client: MongoClient, mongo_db: Database, unique: str
) -> None:
    company, other_company = f"cmp_{unique}", f"cmp_other_{unique}"
    employer = token("employer", org=company, sub=f"boss_{unique}")
    student = token("student", sub=f"stu_{unique}")
    stranger = token("student", sub=f"other_{unique}")
    rival = token("employer", org=other_company, sub=f"rival_{unique}")
    async with (
        backends(mongo_client, unique) as addresses,
        client(settings(mongo_database=mongo_db.name, **addresses)) as c,
    ):
        # The service's field paths are the request's (`posting.title`); the client wrote the
        # body's: `title`.
        untitled = await c.post("/v1/postings", json=_posting() | {"title": ""}, headers=employer)
        assert untitled.status_code == 422, untitled.text
        assert "title" in [e["field"] for e in untitled.json()["errors"]]
        assert not any(e["field"].startswith("posting.") for e in untitled.json()["errors"])
        created = await c.post("/v1/postings", json=_posting(), headers=employer)
        assert created.status_code == 201, created.text
        posting_id = created.json()["id"]
        assert created.headers["location"] == f"/v1/postings/{posting_id}"
        assert created.json()["skills"] == ["market-research", "excel"]
        # An unverified company's posting waits for an admin; a verified one opens directly.
        pending = await c.post(f"/v1/postings/{posting_id}/publish", json={}, headers=employer)
        assert pending.json()["status"] == "POSTING_STATUS_PENDING_REVIEW", pending.text
        admin = token("admin", sub=f"ops_{unique}")
        queue = await c.get("/v1/admin/review/postings", headers=admin)
        assert [p["id"] for p in queue.json()["postings"]] == [posting_id], queue.text
        declined = await c.post(
            f"/v1/admin/review/postings/{posting_id}/decline", json={"reason": "x"}, headers=admin
        )
        assert declined.json()["status"] == "POSTING_STATUS_DRAFT", declined.text
        await verify_company(c, company)
        published = await c.post(f"/v1/postings/{posting_id}/publish", json={}, headers=employer)
        assert published.json()["status"] == "POSTING_STATUS_OPEN", published.text

        applied = await _until(
            c,
            "POST",
            f"/v1/postings/{posting_id}/applications",
            201,
            json={"pitch": "I ran a survey of 400 students last term."},
            headers=student,
        )
        application_id = applied.json()["id"]
        duplicate = await c.post(
            f"/v1/postings/{posting_id}/applications", json={"pitch": "again"}, headers=student
        )
        assert duplicate.status_code == 409
        # A stable code to branch on (the service's error), not only prose.
        assert duplicate.json()["code"] == "DUPLICATE_APPLICATION", duplicate.text

        # Tenants: another company's employer and another student cannot even see it.
        assert (await c.get(f"/v1/applications/{application_id}", headers=rival)).status_code == 404
        assert (
            await c.get(f"/v1/applications/{application_id}", headers=stranger)
        ).status_code == 404

        shortlisted = await c.post(
            f"/v1/applications/{application_id}/shortlist", json={}, headers=employer
        )
        assert shortlisted.json()["status"] == "APPLICATION_STATUS_SHORTLISTED", shortlisted.text
        # Money in: the company's card is on file, so the hire is charged into escrow.
        card = {"kind": "FUNDING_METHOD_KIND_CARD", "token": "tok_card_4242", "currency": "USD"}
        method = await c.put("/v1/me/funding-method", json=card, headers=employer)
        assert method.status_code == 200, method.text
        assert method.json()["token_hint"] == "…4242"
        assert "token" not in method.json()
        assert (await c.put("/v1/me/funding-method", json=card, headers=student)).status_code == 403
        hire_url = f"/v1/applications/{application_id}/hire"
        first = await c.post(hire_url, json={}, headers=employer | {"Idempotency-Key": "hire-1"})
        again = await c.post(hire_url, json={}, headers=employer | {"Idempotency-Key": "hire-1"})
        # The path wins over the body, so this is the same request spelled differently: a
        # replay (requests are compared by meaning; another meaning is 422, tests/security).
        same_meaning = await c.post(
            hire_url, json={"application_id": "x"}, headers=employer | {"Idempotency-Key": "hire-1"}
        )
        assert first.status_code == 200, first.text
        assert again.status_code == 200
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert same_meaning.status_code == 200
        assert same_meaning.headers["idempotent-replayed"] == "true"

        engagements = await eventually(
            lambda: c.get("/v1/me/engagements", headers=student),
            until=lambda r: (
                r.status_code == 200
                and [e["status"] for e in r.json()["engagements"]] == ["ENGAGEMENT_STATUS_ACTIVE"]
            ),
            timeout=30,
            what="the engagement, funded and active",
        )
        engagement_id = engagements.json()["engagements"][0]["id"]
        funding = await c.get(f"/v1/engagements/{engagement_id}/funding", headers=student)
        assert funding.status_code == 200, funding.text
        assert funding.json()["status"] == "FUNDING_STATUS_FUNDED"
        assert funding.json()["total"] == {"amount_minor": "66000", "currency": "USD"}
        rival_view = await c.get(f"/v1/engagements/{engagement_id}/funding", headers=rival)
        assert rival_view.status_code == 404
        assert rival_view.headers["content-type"].startswith("application/problem+json")
        assert (
            await c.get(f"/v1/engagements/{engagement_id}", headers=stranger)
        ).status_code == 404

        submitted = await c.post(
            f"/v1/engagements/{engagement_id}/submissions",
            json={
                "note": "Report attached.",
                "artifacts": [
                    {
                        "name": "report.pdf",
                        "url": "https://files.example/report.pdf",
                        "sha256": "a" * 64,
                    }
                ],
            },
            headers=student,
        )
        assert submitted.status_code == 201, submitted.text
        approved = await c.post(
            f"/v1/engagements/{engagement_id}/approve",
            json={"submission_number": 1, "feedback": "Great work"},
            headers=employer,
        )
        assert approved.status_code == 200, approved.text

        account = await c.put(
            "/v1/me/payout-account",
            headers=student,
            json={"destination_token": "tok_good", "country": "US", "currency": "USD"},
        )
        assert account.status_code == 200, account.text
        paid = await eventually(
            lambda: c.get("/v1/me/payouts", headers=student),
            until=lambda r: (
                r.status_code == 200
                and [p["status"] for p in r.json()["payouts"]] == ["PAYOUT_STATUS_PAID"]
            ),
            timeout=40,
            what="the payout paid",
        )
        assert paid.json()["payouts"][0]["amount"] == {"amount_minor": "60000", "currency": "USD"}

        # The operators' money tools: this payout's journal entries, the ledger check.
        admin = token("admin", sub=f"ops_{unique}")
        payout_id = paid.json()["payouts"][0]["id"]
        journal = await eventually(  # the payment's entry is posted right after its write
            lambda: c.get(f"/v1/ledger/entries?payout_id={payout_id}", headers=admin),
            until=lambda r: r.status_code == 200 and len(r.json()["entries"]) >= 2,
            timeout=30,
            what="the payout's entries",
        )
        kinds = {e["kind"] for e in journal.json()["entries"]}
        assert {"JOURNAL_ENTRY_KIND_ACCRUAL", "JOURNAL_ENTRY_KIND_PAYMENT"} <= kinds
        released = await eventually(
            lambda: c.get(f"/v1/engagements/{engagement_id}/funding", headers=employer),
            until=lambda r: r.json().get("status") == "FUNDING_STATUS_RELEASED",
            timeout=30,
            what="the escrow released",
        )
        funding_id = released.json()["id"]
        escrow = await eventually(  # the release's entries are posted right after its write
            lambda: c.get(f"/v1/ledger/entries?funding_id={funding_id}", headers=admin),
            until=lambda r: len(r.json().get("entries", [])) == 2,
            timeout=30,
            what="the escrow entries",
        )
        assert [e["kind"] for e in escrow.json()["entries"]] == [
            "JOURNAL_ENTRY_KIND_ESCROW_CHARGE",
            "JOURNAL_ENTRY_KIND_ESCROW_RELEASE",
        ], escrow.text
        checked = await c.get("/v1/ledger/check", headers=admin)
        assert checked.status_code == 200, checked.text
        assert checked.json()["ok"] is True, checked.json()["violations"]
        assert int(checked.json()["fundings_checked"]) >= 1
        assert (await c.get("/v1/ledger/check", headers=employer)).status_code == 403
        refused = await c.post(
            f"/v1/payouts/{payout_id}/cancel", json={"reason": "x"}, headers=admin
        )
        assert refused.status_code == 409, refused.text  # paid: the money has left

        for who, body in (
            (employer, {"rating": 5, "comment": "Sharp", "endorsed_skills": ["excel"]}),
            (student, {"rating": 4, "comment": "Clear brief"}),
        ):
            rated = await c.post(
                f"/v1/engagements/{engagement_id}/feedback", json=body, headers=who
            )
            assert rated.status_code == 200, rated.text

        record = await c.get(f"/v1/engagements/{engagement_id}/experience-record", headers=student)
        assert record.status_code == 200, record.text
        jws = record.json()["jws"]
        verified = await c.post("/v1/experience-records/verify", json={"jws": jws})  # no token
        assert verified.json()["valid"] is True, verified.text
        tampered = jws[:-3] + ("AAA" if not jws.endswith("AAA") else "BBB")
        assert (await c.post("/v1/experience-records/verify", json={"jws": tampered})).json()[
            "valid"
        ] is False
        jwks = await c.get("/v1/.well-known/jwks.json")
        assert jwks.json()["keys"][0]["kty"] == "OKP"
