"""Sponsors: a career office pays a share of its students' projects from a budget reserved at
hire; each payer gets its own invoice and ledger account; the company is charged only the
rest; an exhausted budget is refused clearly and the work waits (top-up or pay it all); a
grant program's "first N projects per organisation" rule; refunds return each payer's part."""

from __future__ import annotations

import pytest

from payouts.domain.escrow import escrow
from payouts.domain.funding import FundingStatus as F
from payouts.domain.invoice import InvoiceStatus as I
from payouts.domain.ledger import Balances, clearing
from payouts.domain.sponsor_part import SponsorKind
from payouts.domain.sponsorship import SPONSOR_BUDGET_EXHAUSTED, Scope, SponsorshipStatus
from payouts.domain.sponsorship_commands import CreateSponsorship
from payouts.handlers import check
from payouts.handlers.sponsorship_ports import SponsorshipQuery
from payouts.handlers.sponsorships import SponsorshipNotFound
from stint.kit.actor import UNIVERSITY, Actor, Cause
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.money import Money
from stint.kit.paging import PageRequest

from .world import ADMIN, World, employer

STATE = Cause(Actor("usr_career", UNIVERSITY, "uni_state"), "req_career")
OTHER = Cause(Actor("usr_other", UNIVERSITY, "uni_other"), "req_other")
USD = "USD"


def half(budget: int = 100_000) -> CreateSponsorship:
    return CreateSponsorship(
        "UNIVERSITY", "", "State U Career Center", Money(budget, USD), 50, None, Scope()
    )


def grant(budget: int) -> CreateSponsorship:
    return CreateSponsorship(
        "GRANT_PROGRAM",
        "grant_ks",
        "Kansas Micro-Internships",
        Money(budget, USD),
        100,
        None,
        Scope(first_n_per_company=1),
    )


def net(w: World) -> dict[tuple[str, str], int]:
    b = Balances()
    for entry in w.repo.entries.values():
        b.add(entry)
    return b.net


def charged(w: World, funding_id: str) -> list[int]:
    store = w.charges._store
    return [
        r["amount_minor"]
        for r in store.records.values()  # type: ignore[attr-defined]
        if r["kind"] == "charge" and r["funding_id"] == funding_id
    ]


async def test_career_offices_manage_only_their_own_and_grants_are_for_admins() -> None:
    w = World()
    s = await w.handlers.sponsorships.create(STATE, half())
    assert (s.sponsor_id, s.scope.university_id, s.status) == (
        "uni_state",
        "uni_state",
        SponsorshipStatus.ACTIVE,
    )
    with pytest.raises(PermissionDenied):
        await w.handlers.sponsorships.create(employer("cmp_c1"), half())
    with pytest.raises(PermissionDenied):
        await w.handlers.sponsorships.create(STATE, grant(1_000))
    with pytest.raises(InvalidArgument):  # a percent and an amount
        await w.handlers.sponsorships.create(
            STATE,
            CreateSponsorship(
                "UNIVERSITY", "", "x", Money(1_000, USD), 50, Money(10, USD), Scope()
            ),
        )
    with pytest.raises(SponsorshipNotFound):
        await w.handlers.sponsorships.get(OTHER.actor, s.id)
    mine = await w.handlers.sponsorships.list(OTHER.actor, SponsorshipQuery(), PageRequest())
    assert mine.items == []
    paused = await w.handlers.sponsorships.update(
        STATE, s.id, ("status",), budget=None, status=SponsorshipStatus.PAUSED, name=""
    )
    assert paused.status is SponsorshipStatus.PAUSED
    with pytest.raises(SponsorshipNotFound):
        await w.handlers.sponsorships.update(
            OTHER, s.id, ("status",), budget=None, status=SponsorshipStatus.ENDED, name=""
        )


async def test_a_fifty_percent_university_sponsor_pays_half_with_its_own_invoice() -> None:
    w = World()
    await w.set_method()
    s = await w.handlers.sponsorships.create(STATE, half())
    f = await w.hire("eng_01", fee=60_000, university_id="uni_state")  # total 66_000
    assert f is not None
    assert f.status is F.FUNDED
    assert f.sponsor is not None
    assert f.sponsor.share == Money(33_000, USD)
    assert charged(w, f.id) == [33_000]  # the company pays the other half
    invoice, sponsor_invoice = w.invoices.invoices["inv_01"], w.invoices.invoices["ins_01"]
    assert (invoice.status, invoice.total.amount_minor) == (I.PAID, 33_000)
    assert [line.kind.value for line in invoice.lines][-1] == "SPONSOR_SHARE"
    assert (sponsor_invoice.status, sponsor_invoice.total.amount_minor) == (I.ISSUED, 33_000)
    assert (sponsor_invoice.payer.kind, sponsor_invoice.payer.id) == ("university", "uni_state")
    assert sponsor_invoice.number.startswith("INV-")
    assert (await w.handlers.invoices.get(STATE.actor, "ins_01")).id == "ins_01"
    assert net(w)[("sponsor:university:uni_state", USD)] == 33_000  # owed by the sponsor
    assert (await w.handlers.sponsorships.get(STATE.actor, s.id)).reserved == Money(33_000, USD)

    await w.approve_funded("eng_01", fee=60_000)
    spent = await w.handlers.sponsorships.get(STATE.actor, s.id)
    assert (spent.reserved, spent.spent, spent.remaining) == (
        Money(0, USD),
        Money(33_000, USD),
        Money(67_000, USD),
    )
    paid = await w.handlers.invoice_payments.record(ADMIN, "ins_01", "TRF-UNI-7")
    assert paid.status is I.PAID
    assert net(w).get(("sponsor:university:uni_state", USD), 0) == 0
    assert net(w)[(clearing("invoice"), USD)] == 33_000
    assert net(w).get((escrow("cmp_c1"), USD), 0) == 0
    report = await check(w.repo, w.fundings)
    assert (report.violations, report.repairs_pending) == ([], 0)


async def test_a_cancellation_returns_each_payer_its_part_and_frees_the_budget() -> None:
    w = World()
    await w.set_method()
    s = await w.handlers.sponsorships.create(STATE, half())
    await w.hire("eng_02", fee=60_000, university_id="uni_state")
    await w.cancel("eng_02", "dropped")
    refunds = [
        r["amount_minor"] for r in w.charges._store.records.values() if r["kind"] == "refund"
    ]  # type: ignore[attr-defined]
    assert refunds == [33_000]  # the company's part through the provider
    assert net(w).get(("sponsor:university:uni_state", USD), 0) == 0
    assert w.invoices.invoices["cns_02"].total.amount_minor == -33_000
    after = await w.handlers.sponsorships.get(STATE.actor, s.id)
    assert after.remaining == Money(100_000, USD)
    report = await check(w.repo, w.fundings)
    assert report.violations == []


async def test_a_grant_covers_each_organisations_first_project_until_its_budget_runs_out() -> None:
    w = World()
    g = await w.handlers.sponsorships.create(ADMIN, grant(70_000))
    first = await w.hire("eng_03", fee=60_000, company_id="cmp_a")  # no method on file at all
    assert first is not None
    assert first.status is F.FUNDED
    assert first.company_total.amount_minor == 0
    assert w.invoices.invoices["inv_03"].total.amount_minor == 0
    second = await w.hire("eng_04", fee=60_000, company_id="cmp_a")  # its second: not covered
    assert second is not None
    assert second.sponsor is None
    assert second.status is F.AWAITING_FUNDING
    third = await w.hire("eng_05", fee=60_000, company_id="cmp_b")  # covered, 4_000 left
    assert third is not None
    assert third.status is F.AWAITING_FUNDING
    assert third.decline is not None
    assert third.decline.code == SPONSOR_BUDGET_EXHAUSTED
    assert "USD 40.00 of its budget left" in third.decline.message
    await w.set_method(company_id="cmp_b")  # a card does not bypass the sponsor's answer
    assert w.funding("eng_05").status is F.AWAITING_FUNDING
    await w.handlers.sponsorships.update(
        ADMIN, g.id, ("budget",), budget=Money(140_000, USD), status=None, name=""
    )
    topped = await w.handlers.funding.retry(employer("cmp_b"), "fnd_05")
    assert topped.status is F.FUNDED
    assert topped.company_total.amount_minor == 0


async def test_the_company_may_pay_it_all_instead_of_waiting_for_the_sponsor() -> None:
    w = World()
    await w.handlers.sponsorships.create(ADMIN, grant(1_000))
    await w.set_method(company_id="cmp_b")
    waiting = await w.hire("eng_06", fee=60_000, company_id="cmp_b")
    assert waiting is not None
    assert waiting.status is F.AWAITING_FUNDING
    paid = await w.handlers.funding.retry(employer("cmp_b"), "fnd_06", without_sponsor=True)
    assert paid.status is F.FUNDED
    assert paid.sponsor is None
    assert charged(w, "fnd_06") == [66_000]
    assert SponsorKind.GRANT_PROGRAM.value == "GRANT_PROGRAM"


async def test_a_change_names_at_least_one_field_it_may_change() -> None:
    w = World()
    s = await w.handlers.sponsorships.create(STATE, half())
    with pytest.raises(InvalidArgument):
        await w.handlers.sponsorships.update(STATE, s.id, (), budget=None, status=None, name="")
    with pytest.raises(InvalidArgument):
        await w.handlers.sponsorships.update(
            STATE, s.id, ("share_percent",), budget=None, status=None, name=""
        )
