"""The money side of `make demo`: the career office sponsors half of its students' projects,
and after the payout the demo shows who paid what — the employer, the sponsor, the intern, the
platform — with each payer's invoice."""

from __future__ import annotations

from typing import Any

from demo_support import Cast, Demo, money


def usd(minor: int) -> dict[str, str]:
    return {"amount_minor": str(minor), "currency": "USD"}


def sponsor(d: Demo, c: Cast) -> str:
    """Northfield's career office pays half of its students' projects, from USD 2,000."""
    offer = {
        "sponsor_kind": "SPONSOR_KIND_UNIVERSITY",
        "sponsor_name": "Northfield Career Center",
        "budget": usd(200_000),
        "share_percent": 50,
    }
    created = d.call("POST", "/v1/sponsorships", c.office, 201, json=offer)
    d.say(
        f"{c.university}'s career office sponsors half of its students' projects "
        f"(budget {money(created['budget'])}) -> {created['id']}"
    )
    sponsorship_id: str = created["id"]
    return sponsorship_id


def money_side(d: Demo, c: Cast, paid: dict[str, Any], sponsorship_id: str) -> None:
    """Who paid what for the engagement, and each payer's document."""
    funding = d.call("GET", f"/v1/engagements/{paid['engagement_id']}/funding", c.boss)
    covered = funding.get("sponsor", {}).get("share", usd(0))
    d.say(
        f"money side: total {money(funding['total'])} — the employer paid "
        f"{money(funding['company_total'])}, the sponsor covered {money(covered)}; the intern "
        f"received {money(paid['amount'])}, the platform kept {money(funding['platform_fee'])} "
        f"({funding['status'].removeprefix('FUNDING_STATUS_')} from escrow)"
    )
    receipt = d.call("GET", "/v1/me/invoices", c.boss)["invoices"][0]
    d.say(
        f"the employer's receipt {receipt['number']} ({receipt['status']}, "
        f"{money(receipt['total'])}): GET /v1/invoices/{receipt['id']}.pdf"
    )
    bill = d.call("GET", "/v1/me/invoices", c.office)["invoices"][0]
    d.say(
        f"the sponsor's invoice {bill['number']} ({bill['status']}, {money(bill['total'])}, "
        f"due {bill['due_at'][:10]})"
    )
    budget = d.call("GET", f"/v1/sponsorships/{sponsorship_id}", c.office)
    d.say(
        f"the sponsorship: spent {money(budget['spent'])}, "
        f"remaining {money(budget['remaining'])} of {money(budget['budget'])}"
    )
