"""Offers with in-memory stores: the state machine, who may make, see and answer an offer,
input rules, lists; and the names a hire brings to the engagement and the record."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from stint.kit.actor import Actor, Cause
from stint.kit.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from stint.kit.ids import new_id
from stint.kit.money import Money
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain import record
from submissions.domain.model import Engagement
from submissions.domain.offer import OfferKind, OfferStatus
from submissions.domain.offer_rules import MAX_COMPENSATION_MINOR

from .fakes import T0, hire
from .test_handlers import World


def offer(e: Engagement, **changes: object) -> cmd.MakeOffer:
    base = cmd.MakeOffer(
        e.id, OfferKind.INTERNSHIP, " Research intern ", "Six months.", T0, Money(90_000, "USD")
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


async def completed(w: World) -> Engagement:
    e = await w.engagement()
    await w.complete(e)
    return w.store.docs[e.id]


def offer_events(w: World) -> list[str]:
    return [type(e).__name__ for e, _ in w.store.events if type(e).__name__.startswith("Offer")]


@pytest.fixture
def w() -> World:
    return World()


async def test_an_offer_follows_completion_only_and_once(w: World) -> None:
    e = await w.engagement()
    with pytest.raises(FailedPrecondition):
        await w.h.offers.make(offer(e), w.as_employer(e))
    await w.complete(e)
    made = await w.h.offers.make(offer(e), w.as_employer(e))
    assert made.id == "ofr_" + e.id[4:]
    assert (made.status, made.terms.role_title, made.made_by) == (
        OfferStatus.OPEN,
        "Research intern",
        "usr_boss",
    )
    assert (made.university_id, made.category) == (e.university_id, "MARKET_RESEARCH")
    with pytest.raises(AlreadyExists):
        await w.h.offers.make(offer(e), w.as_employer(e))
    assert offer_events(w) == ["OfferMade"]


async def test_only_the_company_makes_and_withdraws_and_only_the_intern_answers(
    w: World,
) -> None:
    e = await completed(w)
    other = Cause(Actor("usr_x", "employer", new_id("cmp")), "r")
    with pytest.raises(NotFound):
        await w.h.offers.make(offer(e), other)
    for cause in (w.as_student(e), w.as_admin(), Cause(Actor("u", "university", e.university_id))):
        with pytest.raises(PermissionDenied):
            await w.h.offers.make(offer(e), cause)
    made = await w.h.offers.make(offer(e), w.as_employer(e))
    with pytest.raises(NotFound):
        await w.h.offers.accept(made.id, other)
    with pytest.raises(NotFound):
        await w.h.offers.get(made.id, "", Actor(new_id("usr"), "student"))
    with pytest.raises(PermissionDenied):
        await w.h.offers.accept(made.id, w.as_employer(e))
    with pytest.raises(PermissionDenied):
        await w.h.offers.decline(made.id, "", w.as_admin())
    with pytest.raises(PermissionDenied):
        await w.h.offers.withdraw(made.id, w.as_student(e))
    with pytest.raises(NotFound):
        await w.h.offers.withdraw(made.id, other)
    seen = await w.h.offers.get("", e.id, Actor("u", "university", e.university_id))
    assert seen.id == made.id
    accepted = await w.h.offers.accept(made.id, w.as_student(e))
    assert (accepted.status, accepted.answered_at) == (OfferStatus.ACCEPTED, T0)
    for late in (
        w.h.offers.accept(made.id, w.as_student(e)),
        w.h.offers.decline(made.id, "", w.as_student(e)),
        w.h.offers.withdraw(made.id, w.as_employer(e)),
    ):
        with pytest.raises(FailedPrecondition):
            await late
    assert offer_events(w) == ["OfferMade", "OfferAccepted"]


async def test_a_declined_or_withdrawn_offer_is_replaced_in_place(w: World) -> None:
    e = await completed(w)
    made = await w.h.offers.make(offer(e), w.as_employer(e))
    declined = await w.h.offers.decline(made.id, "  Too far away. ", w.as_student(e))
    assert (declined.status, declined.decline_reason) == (OfferStatus.DECLINED, "Too far away.")
    w.clock.advance(timedelta(days=1))
    remade = await w.h.offers.make(
        offer(e, kind=OfferKind.FULL_TIME, compensation=None), w.as_employer(e)
    )
    assert (remade.id, remade.status, remade.terms.kind) == (
        made.id,
        OfferStatus.OPEN,
        OfferKind.FULL_TIME,
    )
    assert (remade.decline_reason, remade.answered_at, remade.made_at) == (
        "",
        None,
        T0 + timedelta(days=1),
    )
    withdrawn = await w.h.offers.withdraw(made.id, w.as_employer(e))
    assert withdrawn.status is OfferStatus.WITHDRAWN
    again = await w.h.offers.make(offer(e), w.as_employer(e))
    assert again.status is OfferStatus.OPEN
    assert offer_events(w) == [
        "OfferMade",
        "OfferDeclined",
        "OfferMade",
        "OfferWithdrawn",
        "OfferMade",
    ]
    made_events = [x for x, _ in w.store.events if isinstance(x, ev.OfferMade)]
    assert made_events[1].offer.terms.compensation is None  # each event has its own snapshot


async def test_every_input_violation_is_reported_at_once(w: World) -> None:
    e = await completed(w)
    bad = offer(
        e,
        kind=None,
        role_title=" ",
        details="x" * 5001,
        compensation=Money(MAX_COMPENSATION_MINOR + 1, "usd"),
    )
    with pytest.raises(InvalidArgument) as raised:
        await w.h.offers.make(bad, w.as_employer(e))
    assert {v.field for v in raised.value.violations} == {
        "kind",
        "role_title",
        "details",
        "compensation.currency",
        "compensation.amount_minor",
    }
    with pytest.raises(InvalidArgument) as zero:
        await w.h.offers.make(offer(e, compensation=Money(0, "USD")), w.as_employer(e))
    assert [v.field for v in zero.value.violations] == ["compensation.amount_minor"]
    made = await w.h.offers.make(offer(e, start_date=None, details=""), w.as_employer(e))
    with pytest.raises(InvalidArgument):
        await w.h.offers.decline(made.id, "x" * 1001, w.as_student(e))
    with pytest.raises(InvalidArgument):
        await w.h.offers.accept("ofr_nope", w.as_student(e))
    with pytest.raises(InvalidArgument):
        await w.h.offers.get("", "", w.as_student(e).actor)


async def test_lists_are_scoped_to_the_caller(w: World) -> None:
    first, second = await completed(w), await completed(w)
    for e in (first, second):
        await w.h.offers.make(offer(e), w.as_employer(e))
    await w.h.offers.accept("ofr_" + first.id[4:], w.as_student(first))

    async def ids(actor: Actor, **filters: object) -> list[str]:
        page = await w.h.offers.list(cmd.OfferQuery(**filters), actor)  # type: ignore[arg-type]
        return [o.engagement_id for o in page.items]

    assert await ids(w.as_student(first).actor) == [first.id]
    assert await ids(w.as_employer(second).actor) == [second.id]
    assert await ids(Actor("u", "university", first.university_id)) == [first.id]
    assert await ids(w.as_employer(first).actor, company_id=second.company_id) == []
    assert sorted(await ids(w.as_admin().actor)) == sorted([first.id, second.id])
    accepted = await ids(w.as_admin().actor, statuses=(OfferStatus.ACCEPTED,))
    assert accepted == [first.id]
    with pytest.raises(PermissionDenied):
        await ids(Actor("usr_x", "employer", ""))  # an employer of no company


async def test_the_hire_names_the_engagement_and_the_record(w: World) -> None:
    named = dataclasses.replace(hire(), student_name="Ada Lovelace", company_name="Acme 3D")
    assert await w.h.engagements.start(named, Cause.system(), new_id("evt"))
    e = next(x for x in w.store.docs.values() if x.application_id == named.application_id)
    assert (e.student_name, e.company_name) == ("Ada Lovelace", "Acme 3D")
    assert await w.h.engagements.fund(w.funded(e), Cause.system())
    await w.complete(w.store.docs[e.id])
    issued = await w.records.issue(e.id, w.as_student(e))
    assert (issued.claims["student_name"], issued.claims["company_name"]) == (
        "Ada Lovelace",
        "Acme 3D",
    )
    assert issued.claims["company_id"] == e.company_id  # the ids stay
    assert "micro-internship for Acme 3D, completed" in issued.resume_line
    made = await w.h.offers.make(offer(e), w.as_employer(e))
    assert (made.student_name, made.company_name) == ("Ada Lovelace", "Acme 3D")


def test_without_names_the_record_falls_back_to_the_ids_and_old_records_read_back() -> None:
    from .test_signing import CLAIMS, KEYS, verify  # one signed record of an unnamed engagement

    assert (CLAIMS["student_name"], CLAIMS["company_name"]) == ("", "")
    assert f"micro-internship for {CLAIMS['company_id']}, completed" in record.resume_line(CLAIMS)
    before_names = {k: v for k, v in CLAIMS.items() if k not in ("student_name", "company_name")}
    signed = KEYS.sign(record.canonical(before_names))
    result = verify(signed, KEYS.jwks())
    assert result.valid
    assert record.is_record(before_names)
    assert record.current(before_names) == CLAIMS
    assert not record.spelled_currently(before_names)  # signed anew with names on next fetch
    assert record.resume_line(before_names) == record.resume_line(CLAIMS)
