"""An engagement that ends with part of the money to each side, through the gateway of the
running platform: the employer stops work in progress under the posting's kill fee; the intern
is paid that share, the platform keeps its fee on it, the company gets the rest back with a
credit note, and the ledger balances per account and in total."""

from __future__ import annotations

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import auth
from .flow import apply, engagement_of, hire, posting, publish, review, submit
from .test_money import balance, entry_kinds, funding, ledger_is_clean

FEE, PLATFORM_FEE, KILL_FEE_PERCENT = 60_000, 6_000, 25


@pytest.mark.timeout(180)
async def test_an_employer_stopping_work_in_progress_pays_the_kill_fee(
    http: httpx.AsyncClient, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    admin = auth("admin", f"ops_{unique}")
    body = posting(f"Kill fee study {unique}") | {"kill_fee_percent": KILL_FEE_PERCENT}
    posting_id = await publish(http, employer, body)
    shown = await http.get(f"/v1/postings/{posting_id}", headers=student)
    assert shown.json()["kill_fee_percent"] == KILL_FEE_PERCENT  # stated before applying
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer)
    engagement_id = await engagement_of(http, student)
    await funding(http, engagement_id, employer, "FUNDING_STATUS_FUNDED")

    stopped = await http.post(
        f"/v1/engagements/{engagement_id}/cancel",
        json={"reason": "Priorities changed"},
        headers=employer,
    )
    assert stopped.status_code == 200, stopped.text
    kill_fee = FEE * KILL_FEE_PERCENT // 100
    assert stopped.json()["kill_fee"] == {"amount_minor": str(kill_fee), "currency": "USD"}
    assert stopped.json()["kill_fee_percent"] == KILL_FEE_PERCENT

    # Both sides see the outcome: the intern's payout, the company's settled funding.
    settled = await funding(http, engagement_id, student, "FUNDING_STATUS_SETTLED")
    kept = kill_fee + PLATFORM_FEE * KILL_FEE_PERCENT // 100
    assert settled["released_fee"]["amount_minor"] == str(kill_fee)
    assert settled["released_total"]["amount_minor"] == str(kept)
    assert settled["refunded_total"]["amount_minor"] == str(FEE + PLATFORM_FEE - kept)
    paid = await eventually(
        lambda: http.get("/v1/me/payouts", headers=student),
        until=lambda r: r.status_code == 200 and len(r.json().get("payouts", [])) == 1,
        timeout=30,
        interval=0.1,
        what="the kill-fee payout",
    )
    assert paid.json()["payouts"][0]["amount"] == {
        "amount_minor": str(kill_fee),
        "currency": "USD",
    }
    assert sorted(await entry_kinds(http, admin, settled["id"], 3)) == [
        "JOURNAL_ENTRY_KIND_ESCROW_CHARGE",
        "JOURNAL_ENTRY_KIND_ESCROW_REFUND",
        "JOURNAL_ENTRY_KIND_ESCROW_RELEASE",
    ]
    assert await balance(http, admin, f"escrow:company:{company}") == 0
    owed = await eventually(
        lambda: balance(http, admin, f"receivable:company:{company}"),
        until=lambda b: b == 0,
        timeout=30,
        interval=0.1,
        what="the receivable settled by the released share",
    )
    assert owed == 0
    await ledger_is_clean(http, admin)

    documents = await eventually(
        lambda: http.get("/v1/me/invoices", headers=employer),
        until=lambda r: len(r.json().get("invoices", [])) == 2,
        timeout=30,
        interval=0.1,
        what="the invoice and its credit note",
    )
    by_kind = {d["kind"]: d for d in documents.json()["invoices"]}
    assert by_kind["INVOICE_KIND_INVOICE"]["status"] == "INVOICE_STATUS_PAID"
    credit = by_kind["INVOICE_KIND_CREDIT_NOTE"]
    assert credit["total"]["amount_minor"] == str(-(FEE + PLATFORM_FEE - kept))


@pytest.mark.timeout(180)
async def test_invoice_terms_fund_the_work_on_credit_until_the_transfer_pays_the_invoice(
    http: httpx.AsyncClient, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    admin = auth("admin", f"ops_{unique}")
    terms = {
        "company_id": company,
        "kind": "FUNDING_METHOD_KIND_INVOICE",
        "token": "po-2026-0042",
        "currency": "USD",
        "credit_limit": {"amount_minor": "100000", "currency": "USD"},
        "net_days": 14,
    }
    refused = await http.put("/v1/me/funding-method", json=terms, headers=employer)
    assert refused.status_code == 403, refused.text  # only an admin grants credit
    granted = await http.put("/v1/me/funding-method", json=terms, headers=admin)
    assert granted.status_code == 200, granted.text
    assert granted.json()["net_days"] == 14

    posting_id = await publish(http, employer, posting(f"Terms study {unique}"))
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer, funded=False)
    engagement_id = await engagement_of(http, student)  # ACTIVE: the work starts on credit
    funded = await funding(http, engagement_id, employer, "FUNDING_STATUS_FUNDED")
    assert funded["method"] == "FUNDING_METHOD_KIND_INVOICE"
    assert "paid_at" not in funded
    documents = await eventually(
        lambda: http.get("/v1/me/invoices", headers=employer),
        until=lambda r: len(r.json().get("invoices", [])) == 1,
        timeout=30,
        interval=0.1,
        what="the invoice issued at hire",
    )
    (invoice,) = documents.json()["invoices"]
    assert invoice["status"] == "INVOICE_STATUS_ISSUED"
    assert invoice["due_at"] == funded["payment_due_at"]
    assert await balance(http, admin, f"invoiced:company:{company}") == FEE + PLATFORM_FEE

    path = f"/v1/invoices/{invoice['id']}/payment"
    denied = await http.post(path, json={"reference": "TRF-1"}, headers=employer)
    assert denied.status_code == 403, denied.text
    paid = await http.post(path, json={"reference": "TRF-889"}, headers=admin)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "INVOICE_STATUS_PAID"
    twice = await http.post(path, json={"reference": "TRF-889"}, headers=admin)
    assert twice.status_code == 409, twice.text
    settled = await eventually(
        lambda: balance(http, admin, f"invoiced:company:{company}"),
        until=lambda b: b == 0,
        timeout=30,
        interval=0.1,
        what="the invoice debt paid",
    )
    assert settled == 0
    await ledger_is_clean(http, admin)


@pytest.mark.timeout(180)
async def test_an_admin_refunds_part_of_the_platform_fee_after_the_work_was_paid_for(
    http: httpx.AsyncClient, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    admin = auth("admin", f"ops_{unique}")
    posting_id = await publish(http, employer, posting(f"Goodwill study {unique}"))
    await hire(http, await apply(http, posting_id, student), employer)
    engagement_id = await engagement_of(http, student)
    path = f"/v1/engagements/{engagement_id}/funding/refund"
    body = {"amount": {"amount_minor": "2500", "currency": "USD"}, "reason": "Slow review"}
    early = await http.post(path, json=body, headers=admin)
    assert early.status_code == 409, early.text  # not paid for yet: cancel or dispute
    number = await submit(http, engagement_id, student)
    assert (await review(http, engagement_id, employer, "approve", number)).status_code == 200
    await funding(http, engagement_id, employer, "FUNDING_STATUS_RELEASED")
    assert (await http.post(path, json=body, headers=employer)).status_code == 403
    too_much = body | {"amount": {"amount_minor": str(PLATFORM_FEE + 1), "currency": "USD"}}
    assert (await http.post(path, json=too_much, headers=admin)).status_code == 422
    refunded = await http.post(path, json=body, headers=admin)
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["goodwill_refund"]["amount_minor"] == "2500"
    assert (await http.post(path, json=body, headers=admin)).status_code == 409  # once
    kinds = await entry_kinds(http, admin, refunded.json()["id"], 3)
    assert "JOURNAL_ENTRY_KIND_GOODWILL_REFUND" in kinds, kinds
    await ledger_is_clean(http, admin)
