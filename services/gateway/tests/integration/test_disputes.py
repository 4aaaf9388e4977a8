"""A dispute through the REST API, against the real services on real Kafka and FerretDB: the
employer opens it on submitted work, the intern answers, an admin resolves it with a partial
release; who may do what, and the problems a caller gets for bad input or the wrong state."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from stint.kit.mongo import Database, MongoClient
from stint.kit.testing.poll import eventually

from ..conftest import client, settings, token, verify_company
from .platform import backends
from .test_lifecycle import _posting, _until


async def _active_engagement(
    c: httpx.AsyncClient, employer: dict[str, str], student: dict[str, str]
) -> str:
    """Post, publish, apply, shortlist, hire with a card on file: the funded engagement."""
    posting = (await c.post("/v1/postings", json=_posting(), headers=employer)).json()["id"]
    await c.post(f"/v1/postings/{posting}/publish", json={}, headers=employer)
    url = f"/v1/postings/{posting}/applications"
    applied = await _until(c, "POST", url, 201, json={"pitch": "I can."}, headers=student)
    application = applied.json()["id"]
    await c.post(f"/v1/applications/{application}/shortlist", json={}, headers=employer)
    card = {"kind": "FUNDING_METHOD_KIND_CARD", "token": "tok_card_4242", "currency": "USD"}
    await c.put("/v1/me/funding-method", json=card, headers=employer)
    hired = await c.post(f"/v1/applications/{application}/hire", json={}, headers=employer)
    assert hired.status_code == 200, hired.text
    engagements = await eventually(
        lambda: c.get("/v1/me/engagements", headers=student),
        until=lambda r: (
            [e["status"] for e in r.json().get("engagements", [])] == ["ENGAGEMENT_STATUS_ACTIVE"]
        ),
        timeout=30,
        what="the engagement, funded and active",
    )
    engagement_id: str = engagements.json()["engagements"][0]["id"]
    return engagement_id


def _claim(**extra: Any) -> dict[str, Any]:
    return {
        "reason": "DISPUTE_REASON_QUALITY",
        "statement": "The report covers two of the five competitors.",
        "evidence": [{"kind": "EVIDENCE_KIND_ARTIFACT", "reference": "1/report.pdf"}],
    } | extra


@pytest.mark.timeout(240)
async def test_a_dispute_from_opening_to_a_partial_release(
    mongo_client: MongoClient, mongo_db: Database, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = token("employer", org=company, sub=f"boss_{unique}")
    student = token("student", sub=f"stu_{unique}")
    rival = token("employer", org=f"cmp_other_{unique}", sub=f"rival_{unique}")
    admin = token("admin", sub=f"ops_{unique}")
    async with (
        backends(mongo_client, unique) as addresses,
        client(settings(mongo_database=mongo_db.name, **addresses)) as c,
    ):
        await verify_company(c, company)
        engagement_id = await _active_engagement(c, employer, student)
        report = {"name": "report.pdf", "url": "https://files.example/report.pdf"}
        work = {"note": "Report.", "artifacts": [report]}
        submitted = await c.post(
            f"/v1/engagements/{engagement_id}/submissions", json=work, headers=student
        )
        assert submitted.status_code == 201, submitted.text
        leave = await c.post(
            f"/v1/engagements/{engagement_id}/withdraw", json={"reason": "bye"}, headers=student
        )
        assert leave.status_code == 409
        assert "open a dispute" in leave.json()["detail"]

        url = f"/v1/engagements/{engagement_id}/dispute"
        unknown_artifact = _claim(evidence=[{"kind": "EVIDENCE_KIND_ARTIFACT", "reference": "1/x"}])
        refused = await c.post(url, json=unknown_artifact, headers=employer)
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in refused.json()["errors"]] == ["evidence[0].reference"]
        assert (await c.post(url, json=_claim(), headers=rival)).status_code == 404
        assert (await c.post(url, json=_claim(), headers=admin)).status_code == 403
        opened = await c.post(url, json=_claim(), headers=employer)
        assert opened.status_code == 201, opened.text
        dispute = opened.json()
        assert opened.headers["location"] == f"/v1/disputes/{dispute['id']}"
        assert dispute["status"] == "DISPUTE_STATUS_OPEN"
        assert dispute["engagement_status_before"] == "ENGAGEMENT_STATUS_SUBMITTED"
        again = await c.post(url, json=_claim(), headers=student)
        assert again.status_code == 409, again.text
        approve = {"submission_number": 1}
        blocked = await c.post(
            f"/v1/engagements/{engagement_id}/approve", json=approve, headers=employer
        )
        assert blocked.status_code == 409
        assert blocked.json()["code"] == "DISPUTE_OPEN", blocked.text

        answer = {"statement": "All five are in the appendix.", "evidence": []}
        base = f"/v1/disputes/{dispute['id']}"
        own = await c.post(f"{base}/answer", json=answer, headers=employer)
        assert own.status_code == 403  # the opener does not answer its own claim
        answered = await c.post(f"{base}/answer", json=answer, headers=student)
        assert answered.json()["status"] == "DISPUTE_STATUS_AWAITING_DECISION", answered.text

        decision = "Three of five competitors: 60 % of the fee is released."
        resolve = {"outcome": "DISPUTE_OUTCOME_PARTIAL_RELEASE", "decision": decision}
        too_much = resolve | {"released": {"amount_minor": 60000, "currency": "USD"}}
        over = await c.post(f"{base}/resolve", json=too_much, headers=admin)
        assert over.status_code == 422, over.text
        assert [e["field"] for e in over.json()["errors"]] == ["released.amount_minor"]
        assert (await c.post(f"{base}/resolve", json=too_much, headers=employer)).status_code == 403
        sixty = resolve | {"released": {"amount_minor": 36000, "currency": "USD"}}
        resolved = await c.post(f"{base}/resolve", json=sixty, headers=admin)
        assert resolved.status_code == 200, resolved.text
        body = resolved.json()
        assert body["engagement"]["status"] == "ENGAGEMENT_STATUS_COMPLETED"
        assert body["dispute"]["resolution"]["refunded"] == {
            "amount_minor": "24000",
            "currency": "USD",
        }

        read = await c.get(url, headers=student)
        assert read.json()["status"] == "DISPUTE_STATUS_RESOLVED", read.text
        assert (await c.get(base, headers=rival)).status_code == 404
        listed = await c.get("/v1/disputes?status=DISPUTE_STATUS_RESOLVED", headers=employer)
        assert [d["id"] for d in listed.json()["disputes"]] == [dispute["id"]], listed.text
        assert (await c.get("/v1/disputes", headers=rival)).json()["disputes"] == []
