"""Money in, through the gateway of the running platform: the company's card is charged into
escrow at hire and the work starts only then; approval releases the escrow to the intern's
payout and the platform's revenue, and the employer files the receipt (JSON and PDF); a
declined card keeps the engagement waiting until the employer fixes it; a cancellation
refunds, with a credit note. After each, the ledger balances per account."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader

from stint.kit.testing.poll import eventually

from .conftest import auth
from .flow import apply, engagement_of, fund, hire, inbox, posting, publish, review, submit

FEE, PLATFORM_FEE = 60_000, 6_000  # the flow's posting; the platform's default 10 %


async def funding(
    http: httpx.AsyncClient, engagement_id: str, who: dict[str, str], status: str
) -> dict[str, Any]:
    found = await eventually(
        lambda: http.get(f"/v1/engagements/{engagement_id}/funding", headers=who),
        until=lambda r: r.status_code == 200 and r.json()["status"] == status,
        timeout=30,
        interval=0.1,
        what=f"funding {status}",
    )
    body: dict[str, Any] = found.json()
    return body


async def entries(http: httpx.AsyncClient, admin: dict[str, str], **query: str) -> list[Any]:
    """Every journal entry matching `query` (all pages)."""
    found: list[Any] = []
    token = ""
    while True:
        params = query | {"page_size": "100", "page_token": token}
        page = await http.get("/v1/ledger/entries", params=params, headers=admin)
        assert page.status_code == 200, page.text
        found += page.json()["entries"]
        token = page.json().get("next_page_token", "")
        if not token:
            return found


async def balance(http: httpx.AsyncClient, admin: dict[str, str], account: str) -> int:
    """Debit minus credit of one account over the whole journal."""
    total = 0
    for entry in await entries(http, admin, account=account):
        for p in entry["postings"]:
            if p["account"] == account:
                total += int(p.get("debit_minor", 0)) - int(p.get("credit_minor", 0))
    return total


async def entry_kinds(
    http: httpx.AsyncClient, admin: dict[str, str], funding_id: str, count: int
) -> list[str]:
    async def kinds() -> list[str]:
        return [e["kind"] for e in await entries(http, admin, funding_id=funding_id)]

    found: list[str] = await eventually(
        kinds, until=lambda k: len(k) >= count, timeout=30, interval=0.1, what="escrow entries"
    )
    return found


async def ledger_is_clean(http: httpx.AsyncClient, admin: dict[str, str]) -> None:
    checked = await http.get("/v1/ledger/check", headers=admin)
    assert checked.status_code == 200, checked.text
    assert checked.json()["ok"] is True, checked.json()["violations"]


@pytest.mark.timeout(180)
async def test_card_funded_hire_is_held_in_escrow_and_released_on_approval(
    http: httpx.AsyncClient, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    admin = auth("admin", f"ops_{unique}")
    posting_id = await publish(http, employer, posting(f"Escrow study {unique}"))
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer)  # a good card on file first
    engagement_id = await engagement_of(http, student)

    funded = await funding(http, engagement_id, student, "FUNDING_STATUS_FUNDED")
    assert funded["total"] == {"amount_minor": str(FEE + PLATFORM_FEE), "currency": "USD"}
    assert funded["method"] == "FUNDING_METHOD_KIND_CARD"
    assert await entry_kinds(http, admin, funded["id"], 1) == ["JOURNAL_ENTRY_KIND_ESCROW_CHARGE"]
    assert await balance(http, admin, f"escrow:company:{company}") == -(FEE + PLATFORM_FEE)
    told = await eventually(
        lambda: inbox(http, student),
        until=lambda ns: any(n["kind"] == "funding.secured" for n in ns),
        timeout=30,
        interval=0.2,
        what="the student told the work can start",
    )
    assert told

    number = await submit(http, engagement_id, student)
    approved = await review(http, engagement_id, employer, "approve", number)
    assert approved.status_code == 200, approved.text
    released = await funding(http, engagement_id, employer, "FUNDING_STATUS_RELEASED")
    assert await entry_kinds(http, admin, released["id"], 2) == [
        "JOURNAL_ENTRY_KIND_ESCROW_CHARGE",
        "JOURNAL_ENTRY_KIND_ESCROW_RELEASE",
    ]
    # Escrow settled the receivable the payout's accrual raised; the intern is owed the fee
    # and the platform kept its fee.
    assert await balance(http, admin, f"escrow:company:{company}") == 0
    receivable = f"receivable:company:{company}"
    owed = await eventually(
        lambda: balance(http, admin, receivable),
        until=lambda b: b == 0,
        timeout=30,
        interval=0.1,
        what="the receivable settled",
    )
    assert owed == 0
    assert await balance(http, admin, f"payable:student:stu_{unique}") == -FEE
    await ledger_is_clean(http, admin)

    # The employer's finance team files the receipt: the invoice, paid by the card at hire.
    (receipt,) = (await http.get("/v1/me/invoices", headers=employer)).json()["invoices"]
    assert (receipt["status"], receipt["kind"]) == ("INVOICE_STATUS_PAID", "INVOICE_KIND_INVOICE")
    assert receipt["number"].startswith("INV-")
    assert receipt["total"] == {"amount_minor": str(FEE + PLATFORM_FEE), "currency": "USD"}
    assert [line["kind"] for line in receipt["lines"]] == [
        "INVOICE_LINE_KIND_PROJECT_FEE",
        "INVOICE_LINE_KIND_PLATFORM_FEE",
    ]
    document = await http.get(f"/v1/invoices/{receipt['id']}.pdf", headers=employer)
    assert document.status_code == 200, document.text
    assert document.headers["content-type"] == "application/pdf"
    assert f'filename="{receipt["number"]}.pdf"' in document.headers["content-disposition"]
    text = PdfReader(io.BytesIO(document.content)).pages[0].extract_text()
    assert receipt["number"] in text, text
    assert "USD 660.00" in text, text
    rival = auth("employer", f"rival_{unique}", f"cmp_rival_{unique}")
    assert (await http.get(f"/v1/invoices/{receipt['id']}", headers=rival)).status_code == 404
    assert (await http.get(f"/v1/invoices/{receipt['id']}.pdf", headers=rival)).status_code == 404
    assert (await http.get("/v1/me/invoices", headers=student)).status_code == 403


@pytest.mark.timeout(180)
async def test_a_declined_card_keeps_the_work_waiting_until_the_employer_fixes_it(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_{unique}")
    student = auth("student", f"stu_{unique}")
    await fund(http, employer, token="tok_declined_0002")
    posting_id = await publish(http, employer, posting(f"Declined study {unique}"))
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer, funded=False)
    engagement_id = await engagement_of(http, student, "ENGAGEMENT_STATUS_AWAITING_FUNDING")

    await funding(http, engagement_id, student, "FUNDING_STATUS_AWAITING_FUNDING")
    waiting = await eventually(
        lambda: http.get(f"/v1/engagements/{engagement_id}/funding", headers=employer),
        until=lambda r: r.json().get("decline_code") == "card_declined",
        timeout=30,
        interval=0.1,
        what="the decline recorded",
    )
    assert waiting.json()["attempts"] == 1
    for who in (student, employer):  # both are told, by the inbox (and e-mail)
        await eventually(
            lambda w=who: inbox(http, w),
            until=lambda ns: any(n["kind"] == "funding.declined" for n in ns),
            timeout=30,
            interval=0.2,
            what="the decline notice",
        )
    early = await http.post(
        f"/v1/engagements/{engagement_id}/submissions",
        json={
            "note": "Early.",
            "artifacts": [
                {"name": "r.pdf", "url": "https://files.example/r.pdf", "sha256": "a" * 64}
            ],
        },
        headers=student,
    )
    assert early.status_code == 409, early.text  # not funded: no work yet
    assert "not funded" in early.json()["detail"], early.text

    retried = await http.post(
        f"/v1/engagements/{engagement_id}/funding/retry", json={}, headers=employer
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["status"] == "FUNDING_STATUS_AWAITING_FUNDING"
    assert retried.json()["attempts"] == 2
    refused = await http.post(
        f"/v1/engagements/{engagement_id}/funding/retry", json={}, headers=student
    )
    assert refused.status_code == 403, refused.text

    await fund(http, employer)  # a good card: the waiting hire is charged at once
    assert await engagement_of(http, student) == engagement_id
    funded = await funding(http, engagement_id, student, "FUNDING_STATUS_FUNDED")
    assert (funded["attempts"], funded.get("decline_code", "")) == (3, "")
    again = await http.post(
        f"/v1/engagements/{engagement_id}/funding/retry", json={}, headers=employer
    )
    assert again.status_code == 409, again.text
    await ledger_is_clean(http, auth("admin", f"ops_{unique}"))


@pytest.mark.timeout(180)
async def test_cancelling_a_funded_engagement_refunds_the_company(
    http: httpx.AsyncClient, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    admin = auth("admin", f"ops_{unique}")
    posting_id = await publish(http, employer, posting(f"Refund study {unique}"))
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer)
    engagement_id = await engagement_of(http, student)
    await funding(http, engagement_id, employer, "FUNDING_STATUS_FUNDED")
    cancelled = await http.post(
        f"/v1/engagements/{engagement_id}/cancel",
        json={"reason": "The project was dropped"},
        headers=employer,
    )
    assert cancelled.status_code == 200, cancelled.text
    refunded = await funding(http, engagement_id, employer, "FUNDING_STATUS_REFUNDED")
    assert await entry_kinds(http, admin, refunded["id"], 2) == [
        "JOURNAL_ENTRY_KIND_ESCROW_CHARGE",
        "JOURNAL_ENTRY_KIND_ESCROW_REFUND",
    ]
    assert await balance(http, admin, f"escrow:company:{company}") == 0
    listed = await http.get(
        "/v1/fundings", params={"status": "FUNDING_STATUS_REFUNDED"}, headers=employer
    )
    assert [f["id"] for f in listed.json()["fundings"]] == [refunded["id"]]
    documents = await eventually(
        lambda: http.get("/v1/me/invoices", headers=employer),
        until=lambda r: len(r.json().get("invoices", [])) == 2,
        timeout=30,
        interval=0.1,
        what="the invoice and its credit note",
    )
    by_kind = {i["kind"]: i for i in documents.json()["invoices"]}
    credit, credited = by_kind["INVOICE_KIND_CREDIT_NOTE"], by_kind["INVOICE_KIND_INVOICE"]
    assert credited["status"] == "INVOICE_STATUS_CREDITED"
    assert credited["credit_note_id"] == credit["id"]
    assert credit["number"].startswith("CRN-")
    assert credit["total"] == {"amount_minor": str(-(FEE + PLATFORM_FEE)), "currency": "USD"}
    await ledger_is_clean(http, admin)


@pytest.mark.timeout(180)
async def test_the_intern_withdraws_before_work_and_nobody_walks_away_after(
    http: httpx.AsyncClient, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    admin = auth("admin", f"ops_{unique}")
    first = await apply(http, await publish(http, employer, posting(f"Leave {unique}")), student)
    await hire(http, first, employer)
    engagement_id = await engagement_of(http, student)
    await funding(http, engagement_id, student, "FUNDING_STATUS_FUNDED")
    left = await http.post(
        f"/v1/engagements/{engagement_id}/withdraw",
        json={"reason": "I accepted a full-time offer"},
        headers=student,
    )
    assert left.status_code == 200, left.text
    assert (left.json()["status"], left.json()["cancelled_by"]) == (
        "ENGAGEMENT_STATUS_CANCELLED",
        "PARTY_STUDENT",
    )
    await funding(http, engagement_id, employer, "FUNDING_STATUS_REFUNDED")
    assert await balance(http, admin, f"escrow:company:{company}") == 0

    # After work is submitted, neither side simply leaves: the employer reviews it.
    other = auth("student", f"stu2_{unique}")
    second = await apply(http, await publish(http, employer, posting(f"Stay {unique}")), other)
    await hire(http, second, employer)
    engaged = await engagement_of(http, other)
    await submit(http, engaged, other)
    for path, who in (("cancel", employer), ("withdraw", other)):
        refused = await http.post(
            f"/v1/engagements/{engaged}/{path}", json={"reason": "leaving"}, headers=who
        )
        assert refused.status_code == 409, refused.text
        assert "work was submitted" in refused.json()["detail"], refused.text
    assert (
        await http.post(
            f"/v1/engagements/{engaged}/withdraw", json={"reason": "x"}, headers=employer
        )
    ).status_code == 403
    await funding(http, engaged, employer, "FUNDING_STATUS_FUNDED")  # still held in escrow
    await ledger_is_clean(http, admin)
