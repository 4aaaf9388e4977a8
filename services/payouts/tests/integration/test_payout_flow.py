"""The payouts service end to end on real Kafka + FerretDB: consumed approvals, real gRPC,
timers, the sandbox provider and the events that reach the broker."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from payouts import metrics
from stint.contracts import topics
from stint.kit import metrics as kit_metrics
from stint.kit.ids import new_id
from stint.kit.testing.kafka import headers_of, read_all, wait_for_records
from stint.kit.testing.poll import eventually
from stint.payouts.v1 import events_pb2 as svc_events
from stint.payouts.v1 import payout_pb2 as pb
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.submissions.v1.engagement_pb2 import Engagement

from .conftest import ADMIN, Service, engagement, entries_of, md, register, student, wait_status

PAID = pb.PAYOUT_STATUS_PAID


async def test_approved_engagement_is_paid_end_to_end(service: Service, unique: str) -> None:
    sid = f"usr_{unique}"
    await register(service, sid, "tok_good_0001")
    eng = engagement(sid)
    ce_id = await service.approve(eng)
    paid = await wait_status(service, eng, PAID)
    assert (paid.amount.amount_minor, paid.platform_fee.amount_minor, paid.attempts) == (
        12_500,
        1_250,
        1,
    )
    assert paid.provider_reference.startswith("sbx_pay_")

    topic = service.settings.topic(topics.PAYOUTS)
    records = await wait_for_records(service.settings.kafka_bootstrap, topic, count=2)
    types = [headers_of(r)["ce_type"] for r in records]
    assert types == ["stint.payouts.v1.PayoutScheduled", "stint.payouts.v1.PayoutPaid"]
    assert {r.key.decode() for r in records} == {paid.id}

    entries = await entries_of(service, paid.id, 2)
    kinds = [e.kind for e in entries]
    assert kinds == [svc.JOURNAL_ENTRY_KIND_ACCRUAL, svc.JOURNAL_ENTRY_KIND_PAYMENT]
    for entry in entries:
        assert sum(p.debit_minor for p in entry.postings) == sum(
            p.credit_minor for p in entry.postings
        )
    check = await service.stub.CheckLedger(svc.CheckLedgerRequest(), metadata=md(ADMIN))
    assert check.ok, check.violations
    assert ce_id  # the approval that started it


async def test_on_hold_until_the_account_is_registered_then_paid(
    service: Service, unique: str
) -> None:
    sid = f"usr_{unique}"
    eng = engagement(sid)
    await service.approve(eng)
    held = await wait_status(service, eng, pb.PAYOUT_STATUS_ON_HOLD)
    assert held.attempts == 0
    await register(service, sid, "tok_good_0002")
    await wait_status(service, eng, PAID)
    topic = service.settings.topic(topics.PAYOUTS)
    records = await wait_for_records(service.settings.kafka_bootstrap, topic, count=3)
    assert [headers_of(r)["ce_type"].rsplit(".", 1)[1] for r in records] == [
        "PayoutOnHold",
        "PayoutScheduled",
        "PayoutPaid",
    ]
    mine = await service.stub.ListPayouts(svc.ListPayoutsRequest(), metadata=md(student(sid)))
    assert [p.id for p in mine.payouts] == [held.id]
    other = await service.stub.ListPayouts(svc.ListPayoutsRequest(), metadata=md(student("usr_x")))
    assert list(other.payouts) == []


async def test_retryable_failure_then_success(service: Service, unique: str) -> None:
    sid = f"usr_{unique}"
    await register(service, sid, "tok_flaky_0003")
    eng = engagement(sid)
    await service.approve(eng)
    paid = await wait_status(service, eng, PAID)
    assert paid.attempts == 2
    topic = service.settings.topic(topics.PAYOUTS)
    records = await wait_for_records(service.settings.kafka_bootstrap, topic, count=3)
    types = [headers_of(r)["ce_type"].rsplit(".", 1)[1] for r in records]
    assert types == ["PayoutScheduled", "PayoutFailed", "PayoutPaid"]
    failed = svc_events.PayoutFailed.FromString(records[1].value).payout
    assert (failed.failure_code, failed.retryable, failed.attempts) == (
        "could_not_process",
        True,
        1,
    )


async def test_duplicate_approval_creates_no_second_payout(service: Service, unique: str) -> None:
    sid = f"usr_{unique}"
    await register(service, sid, "tok_good_0004")
    eng = engagement(sid)
    before = metrics.AMOUNT_MISMATCH._value.get()
    envelope = service.approval(eng)
    await service.publisher.publish(envelope)
    await service.publisher.publish(envelope)  # a redelivery: the same ce_id again
    await service.approve(eng)  # a second approval event for the same engagement
    changed = Engagement()
    changed.CopyFrom(eng)
    changed.fee.amount_minor = 99_999
    await service.approve(changed)  # same engagement, another amount: alerted, not applied
    approvals = kit_metrics.EVENTS_CONSUMED.labels(
        "payouts",
        service.settings.topic(topics.SUBMISSIONS),
        "stint.submissions.v1.SubmissionApproved",
        "applied",
    )
    await eventually(lambda: approvals._value.get(), until=lambda n: n >= 4, what="all consumed")
    await wait_status(service, eng, PAID)
    assert metrics.AMOUNT_MISMATCH._value.get() == before + 1

    listed = await service.stub.ListPayouts(
        svc.ListPayoutsRequest(student_id=sid), metadata=md(ADMIN)
    )
    assert [p.amount.amount_minor for p in listed.payouts] == [12_500]
    topic = service.settings.topic(topics.PAYOUTS)
    await wait_for_records(service.settings.kafka_bootstrap, topic, count=2)
    records = await read_all(service.settings.kafka_bootstrap, topic)
    types = [headers_of(r)["ce_type"].rsplit(".", 1)[1] for r in records]
    assert types == ["PayoutScheduled", "PayoutPaid"]
    entries = await entries_of(service, listed.payouts[0].id, 2)
    assert len(entries) == 2


async def test_rpcs_enforce_roles_and_validate_input(service: Service, unique: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await service.stub.CheckLedger(svc.CheckLedgerRequest(), metadata=md(student("usr_a")))
    assert err.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await service.stub.RegisterPayoutAccount(
            svc.RegisterPayoutAccountRequest(destination_token="x", country="usa"),
            metadata=md(student("usr_a")),
        )
    assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await service.stub.GetPayout(
            svc.GetPayoutRequest(payout_id=new_id("pay")), metadata=md(ADMIN)
        )
    assert err.value.code() is grpc.StatusCode.NOT_FOUND


async def test_registration_racing_approvals_strands_no_payout(
    service: Service, unique: str
) -> None:
    sid = f"usr_{unique}"
    engagements = [engagement(sid, fee=1_000 + n) for n in range(6)]
    await asyncio.gather(
        *(service.approve(e) for e in engagements), register(service, sid, "tok_good_0006")
    )
    for e in engagements:
        await wait_status(service, e, PAID)
    check = await service.stub.CheckLedger(svc.CheckLedgerRequest(), metadata=md(ADMIN))
    assert check.ok, check.violations
    assert check.payouts_checked == 6
