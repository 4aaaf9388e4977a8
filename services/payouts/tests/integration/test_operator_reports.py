"""The operators' money reports on real Kafka + FerretDB over gRPC: two card-funded hires, one
approved and paid, one cancelled and refunded; the totals of the day and a clean
reconciliation; then a sandbox charge record changed in the database is an amount_mismatch
finding (the RPC answers, it does not fail)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from stint.kit.grpc import field_violations_from_error
from stint.kit.ids import suffix
from stint.payouts.v1 import funding_pb2 as fpb
from stint.payouts.v1 import payout_pb2 as pb
from stint.payouts.v1 import payouts_service_pb2 as svc
from stint.payouts.v1 import reports_pb2 as rpb

from .conftest import ADMIN, Service, engagement, entries_of, md, register, student, wait_status
from .test_funding_flow import escrow_entries, funding_of, set_card


def stamp(when: datetime) -> Timestamp:
    t = Timestamp()
    t.FromDatetime(when)
    return t


def window() -> tuple[Timestamp, Timestamp]:
    now = datetime.now(UTC)
    return stamp(now - timedelta(hours=1)), stamp(now + timedelta(hours=1))


async def money_moved(s: Service, unique: str) -> tuple[str, str]:
    """(the paid funding, the refunded funding)."""
    paid, refunded = engagement(f"usr_{unique}", fee=20_000), engagement(f"usr_{unique}")
    for eng in (paid, refunded):
        await set_card(s, eng.company_id)
        await s.hire(eng)
        await funding_of(s, eng, fpb.FUNDING_STATUS_FUNDED)
    await register(s, paid.student_id, "tok_good_0101")
    await s.approve(paid)
    await s.cancel(refunded)
    await wait_status(s, paid, pb.PAYOUT_STATUS_PAID)
    await entries_of(s, "pay_" + suffix(paid.id), 2)  # accrual, payment
    await funding_of(s, paid, fpb.FUNDING_STATUS_RELEASED)
    await funding_of(s, refunded, fpb.FUNDING_STATUS_REFUNDED)
    for eng in (paid, refunded):
        await escrow_entries(s, "fnd_" + suffix(eng.id), 2)
    return "fnd_" + suffix(paid.id), "fnd_" + suffix(refunded.id)


async def test_totals_and_reconciliation_of_real_money_then_a_tampered_record(
    service: Service, unique: str
) -> None:
    paid, _ = await money_moved(service, unique)
    start, end = window()
    totals = await service.stub.GetMoneyTotals(
        svc.GetMoneyTotalsRequest(
            from_time=start, to_time=end, granularity=rpb.TOTALS_GRANULARITY_DAY
        ),
        metadata=md(ADMIN),
    )
    assert {r.currency for r in totals.rows} == {"USD"}  # a day, or two across midnight

    def total(column: str) -> int:
        return sum(getattr(r, column) for r in totals.rows)

    # 20,000 + 2,000 platform fee paid; 12,500 + 1,250 refunded
    assert total("escrow_charged_minor") == 22_000 + 13_750
    assert (total("escrow_released_minor"), total("escrow_refunded_minor")) == (22_000, 13_750)
    assert (total("revenue_minor"), total("paid_out_minor"), total("returned_minor")) == (
        2_000,
        20_000,
        0,
    )
    [closing] = totals.closing_balances
    assert (closing.escrow_held_minor, closing.owed_to_interns_minor) == (0, 0)
    assert totals.entries_read == total("entries") == 6

    request = svc.ReconcileProviderRequest(from_time=start, to_time=end)
    clean = await service.stub.ReconcileProvider(request, metadata=md(ADMIN))
    assert clean.ok, clean.findings
    # two charges, a refund and a payout, each with its entry
    assert (clean.provider_records_checked, clean.entries_checked, clean.matched) == (4, 4, 4)

    charges = service.db["sandbox_provider_charges"]
    changed = await charges.update_one({"_id": f"{paid}.1"}, {"$set": {"amount_minor": 21_999}})
    assert changed.modified_count == 1
    found = await service.stub.ReconcileProvider(request, metadata=md(ADMIN))
    assert not found.ok
    [finding] = found.findings
    assert (finding.kind, finding.source_id, finding.provider_record_id) == (
        "amount_mismatch",
        paid,
        f"{paid}.1",
    )
    assert (finding.provider_amount_minor, finding.ledger_amount_minor) == (21_999, 22_000)
    assert finding.entry_id == f"je_{suffix(paid)}_escrow_charge"
    assert found.matched == 3


async def test_bad_ranges_and_other_callers_are_refused(service: Service, unique: str) -> None:
    start, end = window()
    with pytest.raises(grpc.aio.AioRpcError) as backwards:
        await service.stub.GetMoneyTotals(
            svc.GetMoneyTotalsRequest(from_time=end, to_time=start), metadata=md(ADMIN)
        )
    assert backwards.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_from_error(backwards.value)] == ["to_time"]
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await service.stub.ReconcileProvider(svc.ReconcileProviderRequest(), metadata=md(ADMIN))
    assert missing.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    with pytest.raises(grpc.aio.AioRpcError) as denied:
        await service.stub.ReconcileProvider(
            svc.ReconcileProviderRequest(from_time=start, to_time=end),
            metadata=md(student(f"usr_{unique}")),
        )
    assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED
