"""A dispute resolved with a partial release, through the gateway of the running platform: the
intern delivers, the employer disputes the work, the intern answers, an admin releases 60 % of
the fee. The engagement completes without an approval; the intern is paid the released share
and the company's funding is settled with the rest refunded; the ledger balances."""

from __future__ import annotations

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import auth
from .flow import apply, engagement_of, hire, posting, publish, submit
from .test_money import funding, ledger_is_clean

FEE, PLATFORM_FEE, RELEASED_PERCENT = 60_000, 6_000, 60


@pytest.mark.timeout(180)
async def test_a_dispute_resolved_with_a_partial_release(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_{unique}")
    student = auth("student", f"stu_{unique}")
    admin = auth("admin", f"ops_{unique}")
    posting_id = await publish(http, employer, posting(f"Disputed study {unique}"))
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer)
    engagement_id = await engagement_of(http, student)
    await funding(http, engagement_id, employer, "FUNDING_STATUS_FUNDED")
    await submit(http, engagement_id, student)

    opened = await http.post(
        f"/v1/engagements/{engagement_id}/dispute",
        json={
            "reason": "DISPUTE_REASON_QUALITY",
            "statement": "The report covers two of the five competitors asked for.",
            "evidence": [{"kind": "EVIDENCE_KIND_ARTIFACT", "reference": "1/report.pdf"}],
        },
        headers=employer,
    )
    assert opened.status_code == 201, opened.text
    dispute_id = opened.json()["id"]
    engagement = await http.get(f"/v1/engagements/{engagement_id}", headers=student)
    assert engagement.json()["status"] == "ENGAGEMENT_STATUS_DISPUTED"
    answered = await http.post(
        f"/v1/disputes/{dispute_id}/answer",
        json={"statement": "Three are in the appendix; two had no public data."},
        headers=student,
    )
    assert answered.json()["status"] == "DISPUTE_STATUS_AWAITING_DECISION", answered.text

    released = FEE * RELEASED_PERCENT // 100
    resolved = await http.post(
        f"/v1/disputes/{dispute_id}/resolve",
        json={
            "outcome": "DISPUTE_OUTCOME_PARTIAL_RELEASE",
            "released": {"amount_minor": released, "currency": "USD"},
            "decision": "Three of five competitors delivered: 60 % of the fee is released.",
        },
        headers=admin,
    )
    assert resolved.status_code == 200, resolved.text
    resolution = resolved.json()["dispute"]["resolution"]
    assert resolved.json()["dispute"]["status"] == "DISPUTE_STATUS_RESOLVED"
    assert resolution["released"] == {"amount_minor": str(released), "currency": "USD"}
    assert resolution["refunded"] == {"amount_minor": str(FEE - released), "currency": "USD"}
    ended = await http.get(f"/v1/engagements/{engagement_id}", headers=employer)
    assert ended.json()["status"] == "ENGAGEMENT_STATUS_COMPLETED"
    assert ended.json()["reviews"] == []  # completed by the decision, never approved

    paid = await eventually(
        lambda: http.get("/v1/me/payouts", headers=student),
        until=lambda r: r.status_code == 200 and len(r.json().get("payouts", [])) == 1,
        timeout=30,
        interval=0.1,
        what="the payout of the released share",
    )
    assert paid.json()["payouts"][0]["amount"] == {
        "amount_minor": str(released),
        "currency": "USD",
    }
    settled = await funding(http, engagement_id, employer, "FUNDING_STATUS_SETTLED")
    kept = released + PLATFORM_FEE * RELEASED_PERCENT // 100
    assert settled["released_fee"]["amount_minor"] == str(released)
    assert settled["released_total"]["amount_minor"] == str(kept)
    assert settled["refunded_total"]["amount_minor"] == str(FEE + PLATFORM_FEE - kept)
    await ledger_is_clean(http, admin)
