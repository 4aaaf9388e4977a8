"""Offers on real Kafka + FerretDB, and the names a hire brings: an offer after completion,
who may make, see and answer it (another tenant: NOT_FOUND), its events; a declined offer
replaced, then withdrawn; the names on the engagement, the offer and the signed record."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import grpc
import pytest

from stint.common.v1 import money_pb2, work_pb2
from stint.kit.grpc import field_violations_from_error
from stint.kit.ids import new_id
from stint.kit.mongo import create_mongo_client
from stint.kit.runner import ServiceRunner
from stint.kit.testing.kafka import Record
from stint.submissions.v1 import events_pb2
from stint.submissions.v1 import offer_pb2 as opb
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters.signing import b64url_decode_strict

from .support import (
    Env,
    Parties,
    as_caller,
    distinct,
    new_parties,
    published,
    stub_for,
    types_of,
    wait,
)
from .test_lifecycle import hire_and_wait, submit_request

Stub = Any


def offer_id(p: Parties) -> str:
    return "ofr_" + p.application_id.split("_", 1)[1]


def make_request(p: Parties, title: str = "Junior market analyst") -> api.MakeOfferRequest:
    return api.MakeOfferRequest(
        engagement_id=p.engagement_id,
        kind=opb.OFFER_KIND_FULL_TIME,
        role_title=title,
        details="Hybrid, Berlin; compensation is annual.",
        compensation=money_pb2.Money(amount_minor=5_200_000, currency="EUR"),
    )


async def code_of(call: Any) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call
    return refused.value.code()


async def completed(env: Env, service: ServiceRunner, stub: Stub, p: Parties) -> None:
    await hire_and_wait(env, service, p)
    await stub.SubmitWork(submit_request(p), metadata=p.student_md())
    await stub.ApproveSubmission(
        api.ApproveSubmissionRequest(engagement_id=p.engagement_id, submission_number=1),
        metadata=p.employer_md(),
    )


async def offer_events(env: Env, service: ServiceRunner, p: Parties) -> list[Record]:
    """The engagement's events once the offer's outbox drained too."""
    client = create_mongo_client(env.settings.mongo_uri, app_name="submissions-test")
    try:
        offers = client[env.settings.database_name]["offers"]

        async def outbox() -> Any:
            doc = await offers.find_one({"_id": offer_id(p)})
            return doc and doc.get("outbox")

        await wait(outbox, lambda pending: pending == [], "the offer's outbox drained")
    finally:
        await client.close()
    records = distinct(await published(env, service, p.engagement_id))
    return [r for r in records if types_of([r])[0].startswith("Offer")]


async def test_an_offer_after_completion_is_made_seen_answered_and_published(
    env: Env, service: ServiceRunner
) -> None:
    p = replace(new_parties(), student_name="Ada Lovelace", company_name="Acme 3D")
    stranger = as_caller(new_id("usr"), "employer", new_id("cmp"))
    async with stub_for(service) as stub:
        await hire_and_wait(env, service, p)
        early = stub.MakeOffer(make_request(p), metadata=p.employer_md())
        assert await code_of(early) == grpc.StatusCode.FAILED_PRECONDITION
        await stub.SubmitWork(submit_request(p), metadata=p.student_md())
        approved = await stub.ApproveSubmission(
            api.ApproveSubmissionRequest(engagement_id=p.engagement_id, submission_number=1),
            metadata=p.employer_md(),
        )
        assert approved.engagement.student_name == "Ada Lovelace"
        assert approved.engagement.company_name == "Acme 3D"

        foreign = stub.MakeOffer(make_request(p), metadata=stranger)
        assert await code_of(foreign) == grpc.StatusCode.NOT_FOUND
        by_student = stub.MakeOffer(make_request(p), metadata=p.student_md())
        assert await code_of(by_student) == grpc.StatusCode.PERMISSION_DENIED
        unknown = replace(p, application_id=new_id("app"))
        missing = stub.MakeOffer(make_request(unknown), metadata=p.employer_md())
        assert await code_of(missing) == grpc.StatusCode.NOT_FOUND

        made = (await stub.MakeOffer(make_request(p), metadata=p.employer_md())).offer
        assert made.id == offer_id(p)
        assert made.status == opb.OFFER_STATUS_OPEN
        assert (made.student_name, made.company_name) == ("Ada Lovelace", "Acme 3D")
        assert (made.university_id, made.category) == (
            p.university,
            work_pb2.CATEGORY_MARKET_RESEARCH,
        )
        assert made.compensation.amount_minor == 5_200_000
        again = stub.MakeOffer(make_request(p), metadata=p.employer_md())
        assert await code_of(again) == grpc.StatusCode.ALREADY_EXISTS

        by_engagement = api.GetOfferRequest(engagement_id=p.engagement_id)
        university = as_caller(new_id("usr"), "university", p.university)
        seen = await stub.GetOffer(by_engagement, metadata=university)
        assert seen.offer.id == made.id
        for outsider in (
            stranger,
            as_caller(new_id("usr"), "university", new_id("uni")),
            as_caller(new_id("usr"), "student"),
        ):
            hidden = stub.GetOffer(api.GetOfferRequest(offer_id=made.id), metadata=outsider)
            assert await code_of(hidden) == grpc.StatusCode.NOT_FOUND
            accepting = stub.AcceptOffer(
                api.AcceptOfferRequest(offer_id=made.id), metadata=outsider
            )
            assert await code_of(accepting) == grpc.StatusCode.NOT_FOUND

        accept = api.AcceptOfferRequest(offer_id=made.id)
        by_employer = stub.AcceptOffer(accept, metadata=p.employer_md())
        assert await code_of(by_employer) == grpc.StatusCode.PERMISSION_DENIED
        accepted = (await stub.AcceptOffer(accept, metadata=p.student_md())).offer
        assert accepted.status == opb.OFFER_STATUS_ACCEPTED
        assert accepted.HasField("answered_at")
        twice = stub.AcceptOffer(accept, metadata=p.student_md())
        assert await code_of(twice) == grpc.StatusCode.FAILED_PRECONDITION
        withdraw = stub.WithdrawOffer(
            api.WithdrawOfferRequest(offer_id=made.id), metadata=p.employer_md()
        )
        assert await code_of(withdraw) == grpc.StatusCode.FAILED_PRECONDITION
        replaced = stub.MakeOffer(make_request(p), metadata=p.employer_md())
        assert await code_of(replaced) == grpc.StatusCode.ALREADY_EXISTS

        mine = await stub.ListOffers(api.ListOffersRequest(), metadata=p.student_md())
        assert [o.id for o in mine.offers] == [made.id]
        theirs = await stub.ListOffers(api.ListOffersRequest(), metadata=stranger)
        assert list(theirs.offers) == []
        peeking = api.ListOffersRequest(company_id=p.company)
        assert list((await stub.ListOffers(peeking, metadata=stranger)).offers) == []
        admin = as_caller(new_id("usr"), "admin")
        filtered = api.ListOffersRequest(company_id=p.company, statuses=[opb.OFFER_STATUS_ACCEPTED])
        assert [o.id for o in (await stub.ListOffers(filtered, metadata=admin)).offers] == [made.id]
        still_open = api.ListOffersRequest(company_id=p.company, statuses=[opb.OFFER_STATUS_OPEN])
        assert list((await stub.ListOffers(still_open, metadata=admin)).offers) == []

    records = await offer_events(env, service, p)
    assert types_of(records) == ["OfferMade", "OfferAccepted"]
    first = events_pb2.OfferMade.FromString(records[0].value)
    assert first.offer.status == opb.OFFER_STATUS_OPEN
    assert first.offer.student_name == "Ada Lovelace"
    assert first.context.actor.role == "employer"
    last = events_pb2.OfferAccepted.FromString(records[1].value)
    assert (last.offer.status, last.offer.university_id) == (
        opb.OFFER_STATUS_ACCEPTED,
        p.university,
    )


async def test_a_declined_offer_is_replaced_and_the_new_one_withdrawn(
    env: Env, service: ServiceRunner
) -> None:
    p = new_parties()
    async with stub_for(service) as stub:
        await completed(env, service, stub, p)
        made = (await stub.MakeOffer(make_request(p), metadata=p.employer_md())).offer
        too_long = api.DeclineOfferRequest(offer_id=made.id, reason="x" * 1001)
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await stub.DeclineOffer(too_long, metadata=p.student_md())
        assert {v.field for v in field_violations_from_error(invalid.value)} == {"reason"}
        decline = api.DeclineOfferRequest(offer_id=made.id, reason=" I start a master's. ")
        declined = (await stub.DeclineOffer(decline, metadata=p.student_md())).offer
        assert (declined.status, declined.decline_reason) == (
            opb.OFFER_STATUS_DECLINED,
            "I start a master's.",
        )
        better = make_request(p, "Part-time analyst")
        better.kind = opb.OFFER_KIND_PART_TIME
        better.ClearField("compensation")
        remade = (await stub.MakeOffer(better, metadata=p.employer_md())).offer
        assert remade.id == made.id
        assert (remade.status, remade.kind, remade.role_title, remade.decline_reason) == (
            opb.OFFER_STATUS_OPEN,
            opb.OFFER_KIND_PART_TIME,
            "Part-time analyst",
            "",
        )
        assert not remade.HasField("compensation")
        assert not remade.HasField("answered_at")
        by_student = stub.WithdrawOffer(
            api.WithdrawOfferRequest(offer_id=made.id), metadata=p.student_md()
        )
        assert await code_of(by_student) == grpc.StatusCode.PERMISSION_DENIED
        withdrawn = await stub.WithdrawOffer(
            api.WithdrawOfferRequest(offer_id=made.id), metadata=p.employer_md()
        )
        assert withdrawn.offer.status == opb.OFFER_STATUS_WITHDRAWN
        late = stub.AcceptOffer(api.AcceptOfferRequest(offer_id=made.id), metadata=p.student_md())
        assert await code_of(late) == grpc.StatusCode.FAILED_PRECONDITION
        # Names unknown at the hire: empty on the offer, as on the engagement.
        assert (withdrawn.offer.student_name, withdrawn.offer.company_name) == ("", "")

    records = await offer_events(env, service, p)
    assert types_of(records) == ["OfferMade", "OfferDeclined", "OfferMade", "OfferWithdrawn"]
    declined_event = events_pb2.OfferDeclined.FromString(records[1].value)
    assert declined_event.offer.decline_reason == "I start a master's."


async def test_the_signed_record_names_the_company_and_the_student(
    env: Env, service: ServiceRunner
) -> None:
    p = replace(new_parties(), student_name="Ada Lovelace", company_name="Acme 3D")
    async with stub_for(service) as stub:
        await completed(env, service, stub, p)
        got = await stub.GetExperienceRecord(
            api.GetExperienceRecordRequest(engagement_id=p.engagement_id),
            metadata=p.student_md(),
        )
        ok = await stub.VerifyExperienceRecord(
            api.VerifyExperienceRecordRequest(jws=got.jws), metadata=as_caller("", "")
        )
    claims = json.loads(b64url_decode_strict(got.jws.split(".")[1]))
    assert (claims["student_name"], claims["company_name"]) == ("Ada Lovelace", "Acme 3D")
    assert (claims["student_id"], claims["company_id"]) == (p.student, p.company)
    assert (got.record.student_name, got.record.company_name) == ("Ada Lovelace", "Acme 3D")
    assert "micro-internship for Acme 3D, completed" in got.resume_line
    assert ok.valid
    assert ok.record == got.record
