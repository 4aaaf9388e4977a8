"""Sponsors through the gateway of the running platform: a university career office pays half
of its students' projects (each payer its own invoice and ledger account, the company charged
the rest); a grant program's budget runs out and the next hire waits with a clear reason
until the company pays it all. After each, the ledger balances per account and in total."""

from __future__ import annotations

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import auth
from .flow import apply, engagement_of, fund, hire, posting, publish, review, submit
from .test_money import balance, funding, ledger_is_clean

FEE, PLATFORM_FEE = 60_000, 6_000
TOTAL = FEE + PLATFORM_FEE


def usd(minor: int) -> dict[str, str]:
    return {"amount_minor": str(minor), "currency": "USD"}


@pytest.mark.timeout(180)
async def test_a_university_sponsoring_half_pays_its_share_on_its_own_invoice(
    http: httpx.AsyncClient, unique: str
) -> None:
    university, company = f"uni_{unique}", f"cmp_{unique}"
    office = auth("university", f"office_{unique}", university)
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}", university)
    admin = auth("admin", f"ops_{unique}")
    offer = {
        "sponsor_kind": "SPONSOR_KIND_UNIVERSITY",
        "sponsor_name": "State U Career Center",
        "budget": usd(500_000),
        "share_percent": 50,
    }
    refused = await http.post("/v1/sponsorships", json=offer, headers=employer)
    assert refused.status_code == 403, refused.text
    created = await http.post("/v1/sponsorships", json=offer, headers=office)
    assert created.status_code == 201, created.text
    sponsorship = created.json()
    assert (sponsorship["sponsor_id"], sponsorship["university_id"]) == (university, university)

    posting_id = await publish(http, employer, posting(f"Sponsored study {unique}"))
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer)
    engagement_id = await engagement_of(http, student)
    funded = await funding(http, engagement_id, employer, "FUNDING_STATUS_FUNDED")
    assert funded["sponsor"]["share"] == usd(TOTAL // 2)
    assert funded["company_total"] == usd(TOTAL // 2)

    number = await submit(http, engagement_id, student)
    assert (await review(http, engagement_id, employer, "approve", number)).status_code == 200
    await funding(http, engagement_id, employer, "FUNDING_STATUS_RELEASED")
    shown = await eventually(
        lambda: http.get(f"/v1/sponsorships/{sponsorship['id']}", headers=office),
        until=lambda r: r.json().get("spent", {}).get("amount_minor") == str(TOTAL // 2),
        timeout=30,
        interval=0.1,
        what="the sponsorship's spent share",
    )
    assert shown.json()["remaining"] == usd(500_000 - TOTAL // 2)
    rival = auth("university", f"rival_{unique}", f"uni_rival_{unique}")
    hidden = await http.get(f"/v1/sponsorships/{sponsorship['id']}", headers=rival)
    assert hidden.status_code == 404, hidden.text

    # Each payer files its own invoice: the company's shows the covered share.
    (company_invoice,) = (await http.get("/v1/me/invoices", headers=employer)).json()["invoices"]
    assert company_invoice["total"] == usd(TOTAL // 2)
    assert company_invoice["lines"][-1]["kind"] == "INVOICE_LINE_KIND_SPONSOR_SHARE"
    (sponsor_invoice,) = (await http.get("/v1/me/invoices", headers=office)).json()["invoices"]
    assert sponsor_invoice["kind"] == "INVOICE_KIND_SPONSOR_INVOICE"
    assert (sponsor_invoice["status"], sponsor_invoice["total"]) == (
        "INVOICE_STATUS_ISSUED",
        usd(TOTAL // 2),
    )
    account = f"sponsor:university:{university}"
    assert await balance(http, admin, account) == TOTAL // 2  # owed by the sponsor
    paid = await http.post(
        f"/v1/invoices/{sponsor_invoice['id']}/payment", json={"reference": "TRF-U1"}, headers=admin
    )
    assert paid.status_code == 200, paid.text
    settled = await eventually(
        lambda: balance(http, admin, account),
        until=lambda b: b == 0,
        timeout=30,
        interval=0.1,
        what="the sponsor's transfer posted",
    )
    assert settled == 0
    await ledger_is_clean(http, admin)


@pytest.mark.timeout(180)
async def test_an_exhausted_grant_budget_is_refused_clearly_until_the_company_pays_it_all(
    http: httpx.AsyncClient, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    admin = auth("admin", f"ops_{unique}")
    grant = {
        "sponsor_kind": "SPONSOR_KIND_GRANT_PROGRAM",
        "sponsor_id": f"grant_{unique}",
        "sponsor_name": "Micro-grant program",
        "budget": usd(TOTAL + 1_000),  # one project, then 10.00 left
        "share_percent": 100,
        "company_ids": [company],
    }
    created = await http.post("/v1/sponsorships", json=grant, headers=admin)
    assert created.status_code == 201, created.text

    ids = []
    for n in range(2):
        student = auth("student", f"stu_{n}_{unique}")
        posting_id = await publish(http, employer, posting(f"Grant study {n} {unique}"))
        await hire(http, await apply(http, posting_id, student), employer, funded=False)
        status = "ENGAGEMENT_STATUS_ACTIVE" if n == 0 else "ENGAGEMENT_STATUS_AWAITING_FUNDING"
        ids.append(await engagement_of(http, student, status))
    first = await funding(http, ids[0], employer, "FUNDING_STATUS_FUNDED")
    assert first["company_total"] == usd(0)  # no card needed: the grant paid it all
    waiting = await eventually(
        lambda: http.get(f"/v1/engagements/{ids[1]}/funding", headers=employer),
        until=lambda r: r.json().get("decline_code") == "sponsor_budget_exhausted",
        timeout=30,
        interval=0.1,
        what="the exhausted budget refused",
    )
    assert "USD 10.00 of its budget left" in waiting.json()["decline_message"]
    await fund(http, employer)  # a card on file does not silently charge the sponsor's share
    again = await http.post(f"/v1/engagements/{ids[1]}/funding/retry", json={}, headers=employer)
    assert again.json()["status"] == "FUNDING_STATUS_AWAITING_FUNDING", again.text
    whole = await http.post(
        f"/v1/engagements/{ids[1]}/funding/retry", json={"without_sponsor": True}, headers=employer
    )
    assert whole.status_code == 200, whole.text
    assert whole.json()["status"] == "FUNDING_STATUS_FUNDED"
    assert whole.json()["company_total"] == usd(TOTAL)
    await ledger_is_clean(http, admin)
