"""Money in on real Kafka + FerretDB: a consumed hire is charged into escrow through the
sandbox, approval releases it, cancellation refunds it; a declined card waits for a new
method; the events reach the broker and the ledger balances."""

from __future__ import annotations

import grpc
import pytest

from stint.contracts import topics
from stint.kit.grpc import Caller
from stint.kit.ids import new_id, suffix
from stint.kit.testing.kafka import headers_of, read_all
from stint.kit.testing.poll import eventually
from stint.payouts.v1 import funding_pb2 as fpb
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.submissions.v1.engagement_pb2 import Engagement

from .conftest import ADMIN, Service, engagement, md, register, student

CARD = fpb.FUNDING_METHOD_KIND_CARD


def employer(company_id: str) -> Caller:
    return Caller(f"usr_boss_{company_id}", "employer", company_id, f"req-{company_id}")


async def set_card(s: Service, company_id: str, token: str = "tok_card_4242") -> fpb.FundingMethod:
    response = await s.stub.SetFundingMethod(
        svc.SetFundingMethodRequest(kind=CARD, token=token, currency="USD"),
        metadata=md(employer(company_id)),
    )
    return response.method


async def funding_of(s: Service, eng: Engagement, status: int) -> fpb.Funding:
    async def probe() -> fpb.Funding | None:
        try:
            request = svc.GetFundingRequest(engagement_id=eng.id)
            return (await s.stub.GetFunding(request, metadata=md(ADMIN))).funding
        except grpc.aio.AioRpcError as err:
            if err.code() is grpc.StatusCode.NOT_FOUND:
                return None
            raise

    return await eventually(  # type: ignore[no-any-return]
        probe,
        until=lambda f: f is not None and f.status == status,
        timeout=20,
        what=f"funding {fpb.FundingStatus.Name(status)}",
    )


async def escrow_entries(s: Service, funding_id: str, count: int) -> list[svc.JournalEntry]:
    async def probe() -> list[svc.JournalEntry]:
        request = svc.ListLedgerEntriesRequest(funding_id=funding_id)
        return list((await s.stub.ListLedgerEntries(request, metadata=md(ADMIN))).entries)

    return await eventually(probe, until=lambda e: len(e) >= count, what=f"{count} entries")


async def events_keyed(s: Service, key: str, count: int) -> list[str]:
    """The types of the payouts-topic events keyed by `key` (a funding or invoice id)."""
    topic = s.settings.topic(topics.PAYOUTS)

    async def probe() -> list[str]:
        records = await read_all(s.settings.kafka_bootstrap, topic)
        return [
            headers_of(r)["ce_type"].rsplit(".", 1)[1]
            for r in records
            if r.key is not None and r.key.decode() == key
        ]

    return await eventually(probe, until=lambda t: len(t) >= count, what=f"{count} events")


async def test_a_hire_is_charged_into_escrow_and_released_on_approval(
    service: Service, unique: str
) -> None:
    eng = engagement(f"usr_{unique}", fee=20_000)
    method = await set_card(service, eng.company_id)
    assert (method.token_hint, method.currency, method.version) == ("…4242", "USD", 1)
    await register(service, eng.student_id, "tok_good_0101")
    await service.hire(eng)
    await service.hire(eng)  # a redelivered hire charges nothing more
    funded = await funding_of(service, eng, fpb.FUNDING_STATUS_FUNDED)
    assert funded.id == "fnd_" + suffix(eng.id)
    assert (funded.total.amount_minor, funded.platform_fee.amount_minor) == (22_000, 2_000)
    assert (funded.attempts, funded.provider_reference) == (1, f"sbx_ch_{funded.id}.1")

    await service.approve(eng)
    released = await funding_of(service, eng, fpb.FUNDING_STATUS_RELEASED)
    entries = await escrow_entries(service, released.id, 2)
    assert [e.kind for e in entries] == [
        svc.JOURNAL_ENTRY_KIND_ESCROW_CHARGE,
        svc.JOURNAL_ENTRY_KIND_ESCROW_RELEASE,
    ]
    assert await events_keyed(service, released.id, 2) == ["FundingSecured", "FundingReleased"]
    check = await service.stub.CheckLedger(svc.CheckLedgerRequest(), metadata=md(ADMIN))
    assert check.ok, check.violations
    assert check.fundings_checked == 1

    seen = await service.stub.GetFunding(
        svc.GetFundingRequest(engagement_id=released.id), metadata=md(student(eng.student_id))
    )
    assert seen.funding.status == fpb.FUNDING_STATUS_RELEASED
    with pytest.raises(grpc.aio.AioRpcError) as hidden:
        await service.stub.GetFunding(
            svc.GetFundingRequest(engagement_id=eng.id), metadata=md(employer("cmp_rival"))
        )
    assert hidden.value.code() is grpc.StatusCode.NOT_FOUND


async def test_a_declined_card_waits_until_a_good_one_is_registered(
    service: Service, unique: str
) -> None:
    eng = engagement(f"usr_{unique}")
    await set_card(service, eng.company_id, token="tok_declined_9999")
    await service.hire(eng)
    await funding_of(service, eng, fpb.FUNDING_STATUS_AWAITING_FUNDING)
    await eventually(
        lambda: service.stub.GetFunding(
            svc.GetFundingRequest(engagement_id=eng.id), metadata=md(ADMIN)
        ),
        until=lambda r: r.funding.decline_code == "card_declined",
        what="the decline",
    )
    boss = md(employer(eng.company_id))
    retried = await service.stub.RetryFunding(
        svc.RetryFundingRequest(engagement_id=eng.id), metadata=boss
    )
    assert (retried.funding.attempts, retried.funding.decline_code) == (2, "card_declined")
    await set_card(service, eng.company_id)
    funded = await funding_of(service, eng, fpb.FUNDING_STATUS_FUNDED)
    assert (funded.attempts, funded.decline_code) == (3, "")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await service.stub.RetryFunding(
            svc.RetryFundingRequest(engagement_id=eng.id), metadata=boss
        )
    assert refused.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    listed = await service.stub.ListFundings(
        svc.ListFundingsRequest(status=fpb.FUNDING_STATUS_FUNDED), metadata=boss
    )
    assert [f.id for f in listed.fundings] == [funded.id]
    assert await events_keyed(service, funded.id, 3) == [
        "FundingDeclined",
        "FundingDeclined",
        "FundingSecured",
    ]


async def test_cancelling_refunds_a_funded_engagement_and_cancels_a_waiting_one(
    service: Service, unique: str
) -> None:
    funded_eng = engagement(f"usr_{unique}")
    await set_card(service, funded_eng.company_id)
    await service.hire(funded_eng)
    await funding_of(service, funded_eng, fpb.FUNDING_STATUS_FUNDED)
    await service.cancel(funded_eng)
    refunded = await funding_of(service, funded_eng, fpb.FUNDING_STATUS_REFUNDED)
    entries = await escrow_entries(service, refunded.id, 2)
    assert entries[1].kind == svc.JOURNAL_ENTRY_KIND_ESCROW_REFUND

    waiting_eng = engagement(f"usr_{unique}_2")  # its company has no method
    await service.hire(waiting_eng)
    await funding_of(service, waiting_eng, fpb.FUNDING_STATUS_AWAITING_FUNDING)
    await service.cancel(waiting_eng)
    await funding_of(service, waiting_eng, fpb.FUNDING_STATUS_CANCELLED)
    check = await service.stub.CheckLedger(svc.CheckLedgerRequest(), metadata=md(ADMIN))
    assert check.ok, check.violations


async def test_bad_funding_requests_are_refused_with_the_fields_named(service: Service) -> None:
    company = new_id("cmp")
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await service.stub.SetFundingMethod(
            svc.SetFundingMethodRequest(token="x", currency="usd"),
            metadata=md(employer(company)),
        )
    assert bad.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as student_set:
        await service.stub.SetFundingMethod(
            svc.SetFundingMethodRequest(kind=CARD, token="tok_card_4242", currency="USD"),
            metadata=md(student("usr_x")),
        )
    assert student_set.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as none:
        await service.stub.GetFundingMethod(
            svc.GetFundingMethodRequest(), metadata=md(employer(company))
        )
    assert none.value.code() is grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize("odd_id", ["0", "pay_x", "app_x"])
async def test_an_id_that_names_no_funding_is_not_found(service: Service, odd_id: str) -> None:
    for call in (
        service.stub.GetFunding(svc.GetFundingRequest(engagement_id=odd_id), metadata=md(ADMIN)),
        service.stub.RetryFunding(
            svc.RetryFundingRequest(engagement_id=odd_id), metadata=md(ADMIN)
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await call
        assert missing.value.code() is grpc.StatusCode.NOT_FOUND
