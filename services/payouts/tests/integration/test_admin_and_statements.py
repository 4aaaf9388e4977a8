"""Cancellation, late returns, statements and pagination on the real service."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest

from payouts.domain.policy import Policy
from stint.common.v1.pagination_pb2 import PageRequest
from stint.contracts import topics
from stint.contracts.topics import dlq_topic
from stint.kit import metrics as kit_metrics
from stint.kit.clock import SystemClock
from stint.kit.envelope import new_envelope
from stint.kit.testing.kafka import headers_of, wait_for_records
from stint.kit.testing.poll import eventually
from stint.payouts.v1 import payout_pb2 as pb
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.submissions.v1.events_pb2 import EngagementCancelled

from .conftest import (
    ADMIN,
    Service,
    engagement,
    entries_of,
    md,
    payout_of,
    register,
    student,
    wait_status,
)


async def test_cancelled_engagement_gets_no_payout(service: Service, unique: str) -> None:
    sid = f"usr_{unique}"
    eng = engagement(sid)
    cancelled = new_envelope(
        EngagementCancelled(engagement=eng, reason="employer withdrew"),
        topic=service.settings.topic(topics.SUBMISSIONS),
        subject=eng.id,
        source="/stint/submissions",
        clock=SystemClock(),
    )
    await service.publisher.publish(cancelled)
    await service.approve(eng)  # e.g. a stale approval replayed after the cancellation
    submissions = service.settings.topic(topics.SUBMISSIONS)
    approvals = kit_metrics.EVENTS_CONSUMED.labels(
        "payouts", submissions, "stint.submissions.v1.SubmissionApproved", "applied"
    )
    await eventually(lambda: approvals._value.get(), until=lambda n: n >= 1, what="consumed")
    assert await service.db["cancelled_engagements"].find_one({"_id": eng.id}) is not None
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await payout_of(service, eng)
    assert err.value.code() is grpc.StatusCode.NOT_FOUND


async def test_admin_cancel_reverses_the_accrual(service: Service, unique: str) -> None:
    eng = engagement(f"usr_{unique}")
    await service.approve(eng)
    held = await wait_status(service, eng, pb.PAYOUT_STATUS_ON_HOLD)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await service.stub.CancelPayout(
            svc.CancelPayoutRequest(payout_id=held.id, reason=""), metadata=md(ADMIN)
        )
    assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    done = await service.stub.CancelPayout(
        svc.CancelPayoutRequest(payout_id=held.id, reason="duplicate engagement"),
        metadata=md(ADMIN),
    )
    assert done.payout.status == pb.PAYOUT_STATUS_CANCELLED
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await service.stub.RetryPayout(
            svc.RetryPayoutRequest(payout_id=held.id), metadata=md(ADMIN)
        )
    assert err.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    entries = await entries_of(service, held.id, 2)
    assert [e.id.rsplit("_", 1)[1] for e in entries] == ["accrual", "cancellation"]
    check = await service.stub.CheckLedger(svc.CheckLedgerRequest(), metadata=md(ADMIN))
    assert check.ok, check.violations
    topic = service.settings.topic(topics.PAYOUTS)
    records = await wait_for_records(service.settings.kafka_bootstrap, topic, count=2)
    types = [headers_of(r)["ce_type"].rsplit(".", 1)[1] for r in records]
    assert types == ["PayoutOnHold", "PayoutCancelled"]


async def test_late_return_is_reversed_in_the_ledger(service: Service, unique: str) -> None:
    sid = f"usr_{unique}"
    await register(service, sid, "tok_returned_01")
    eng = engagement(sid)
    await service.approve(eng)
    await wait_status(service, eng, pb.PAYOUT_STATUS_PAID)
    failed = await wait_status(service, eng, pb.PAYOUT_STATUS_FAILED)
    assert (failed.failure_code, failed.retryable) == ("account_closed", False)
    entries = await entries_of(service, failed.id, 3)
    kinds = {e.kind for e in entries}
    assert svc.JOURNAL_ENTRY_KIND_PAYMENT_REVERSAL in kinds
    await register(service, sid, "tok_fixed_0001")
    paid = await wait_status(service, eng, pb.PAYOUT_STATUS_PAID)
    assert paid.attempts == 2
    check = await service.stub.CheckLedger(svc.CheckLedgerRequest(), metadata=md(ADMIN))
    assert check.ok, check.violations


async def test_statement_and_pagination(service: Service, unique: str) -> None:
    sid = f"usr_{unique}"
    await register(service, sid, "tok_good_0005")
    engagements = [engagement(sid, fee=25_000) for _ in range(3)]
    for eng in engagements:
        await service.approve(eng)
    for eng in engagements:
        await wait_status(service, eng, pb.PAYOUT_STATUS_PAID)
    year = datetime.now(UTC).year
    statement = (
        await service.stub.GetEarningsStatement(
            svc.GetEarningsStatementRequest(year=year), metadata=md(student(sid))
        )
    ).statement
    assert (statement.payout_count, statement.total_paid[0].amount_minor) == (3, 75_000)
    # USD 750 in one year: above 2025's USD 600, below the USD 2,000 of 2026 and later.
    amount, since = Policy().tax_form_threshold(year)
    assert statement.tax_form_threshold.amount_minor == amount
    assert statement.tax_form_threshold_year == since
    assert statement.tax_form_threshold_reached is (amount <= 75_000)
    assert len(statement.by_company) == 3
    seen: list[str] = []
    token = ""
    while True:
        page = await service.stub.ListPayouts(
            svc.ListPayoutsRequest(page=PageRequest(page_size=2, page_token=token)),
            metadata=md(student(sid)),
        )
        seen += [p.id for p in page.payouts]
        token = page.page.next_page_token
        if not token:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == 3


async def test_an_invalid_approval_goes_to_the_dead_letter_topic(
    service: Service, unique: str
) -> None:
    bad = engagement(f"usr_{unique}", fee=0)
    await service.approve(bad)
    dlq = service.settings.topic(dlq_topic("payouts"))
    [record] = await wait_for_records(service.settings.kafka_bootstrap, dlq, count=1)
    headers = headers_of(record)
    assert headers["dlq_reason"] == "handler_failed"
    assert "fee.amount_minor" in headers["dlq_error"]
    with pytest.raises(grpc.aio.AioRpcError):
        await payout_of(service, bad)
