"""Money bounds on the real service (design.md §10): the tester's int64-maximum fee, fed as an
approval and as a payout the overflow broke before the bound existed. The service stays
healthy, CheckLedger reports the payouts whose entries could not be posted, and the earnings
statement still answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from payouts.adapters.documents import payout_fields
from payouts.domain.model import Payout
from payouts.domain.values import PayoutStatus, platform_fee
from stint.kit import metrics as kit_metrics
from stint.kit.ids import new_id, suffix
from stint.kit.money import INT64_MAX, Money
from stint.kit.mongo import Database
from stint.payouts.v1 import payout_pb2 as pb
from stint.payouts.v1 import payouts_service_pb2 as svc

from .conftest import ADMIN, Service, engagement, md, register, student, wait_status

REPAIR_FAILURES = kit_metrics.TIMERS_FIRED.labels("payouts", "payout-ledger-repair", "failed")


async def ledger_check(s: Service) -> svc.CheckLedgerResponse:
    response: svc.CheckLedgerResponse = await s.stub.CheckLedger(
        svc.CheckLedgerRequest(), metadata=md(ADMIN)
    )
    return response


async def earnings_of(s: Service, student_id: str) -> svc.EarningsStatement:
    year = datetime.now(UTC).year
    response = await s.stub.GetEarningsStatement(
        svc.GetEarningsStatementRequest(year=year), metadata=md(student(student_id))
    )
    statement: svc.EarningsStatement = response.statement
    return statement


async def test_an_approval_with_an_int64_fee_is_blocked_and_reported(
    service: Service, unique: str
) -> None:
    sid = f"usr_{unique}"
    await register(service, sid, "tok_good_1234")
    failures_before = REPAIR_FAILURES._value.get()
    absurd = [engagement(sid, fee=INT64_MAX) for _ in range(2)]  # together beyond int64, too
    for eng in absurd:
        await service.approve(eng)
    ordinary = engagement(sid, fee=12_500)
    await service.approve(ordinary)  # behind them: the consumer must not be stuck

    for eng in absurd:
        blocked = await wait_status(service, eng, pb.PAYOUT_STATUS_FAILED)
        assert (blocked.failure_code, blocked.retryable) == ("amount_out_of_bounds", False)
        assert blocked.amount.amount_minor == INT64_MAX
    await wait_status(service, ordinary, pb.PAYOUT_STATUS_PAID)

    check = await ledger_check(service)
    assert not check.ok
    reported = sorted((v.kind, v.subject) for v in check.violations)
    assert reported == sorted(("amount_out_of_bounds", "pay_" + suffix(e.id)) for e in absurd)
    statement = await earnings_of(service, sid)
    assert [(m.amount_minor, m.currency) for m in statement.total_paid] == [(12_500, "USD")]
    assert statement.payout_count == 1
    assert REPAIR_FAILURES._value.get() == failures_before
    assert all((await service.runner.ops.check()).values())


@pytest.fixture
async def broken_by_the_overflow(mongo_db: Database, unique: str) -> str:
    """A payout as the overflow left it, stored before the service starts: paid, its accrual
    refused by the driver, its ledger-repair timer due (and failing, before the fix)."""
    now = datetime.now(UTC)
    fee = Money(INT64_MAX, "USD")
    payout = Payout(
        id=new_id("pay"),
        engagement_id=new_id("eng"),
        company_id=new_id("cmp"),
        student_id=f"usr_{unique}",
        posting_title="Market scan",
        amount=fee,
        platform_fee=platform_fee(fee, 1_000),
        status=PayoutStatus.PAID,
        created_at=now,
        updated_at=now,
        attempts=1,
        payments=1,
        ledger_due_at=now,
        provider="sandbox",
        paid_at=now,
    )
    fields = {k: v for k, v in payout_fields(payout).items() if v is not None}
    doc = {"_id": payout.id, **fields, "version": 3, "outbox": [], "ledger_due_at_pending": True}
    await mongo_db["payouts"].insert_one(doc)
    return payout.id


async def test_startup_repair_blocks_a_payout_the_overflow_broke(
    broken_by_the_overflow: str, service: Service, unique: str
) -> None:
    # `service` starts after the broken document exists: its timer sweep finds it at once.
    pid = broken_by_the_overflow
    eng = engagement(f"usr_{unique}")
    eng.id = "eng_" + suffix(pid)
    healed = await wait_status(service, eng, pb.PAYOUT_STATUS_FAILED)
    assert healed.failure_code == "amount_out_of_bounds"
    stored = await service.db["payouts"].find_one({"_id": pid})
    assert stored is not None
    assert "ledger_due_at" not in stored  # the repair timer stopped
    check = await ledger_check(service)
    assert [(v.kind, v.subject) for v in check.violations] == [("amount_out_of_bounds", pid)]
    assert check.repairs_pending == 0
    statement = await earnings_of(service, f"usr_{unique}")
    assert (list(statement.total_paid), statement.payout_count) == ([], 0)
