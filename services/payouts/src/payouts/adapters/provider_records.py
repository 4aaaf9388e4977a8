"""The sandbox provider's own records read as a settlement report (`SettlementReport`).

Charges and refunds are in `sandbox_provider_charges` (`_id` = the idempotency key: a charge
``fnd_….<attempt>`` with its `funding_id`, a refund ``fnd_….refund``), payouts in
`sandbox_provider_payouts` (``pay_….<attempt>`` with its `payout_id`). Only money that moved
is reported: an approved charge, a refund, a payout settled as paid (as the provider's `status`
answers at this clock), and a paid payout whose return time has passed (a return as well).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from payouts.adapters.sandbox import SANDBOX
from payouts.domain.reconciliation import ProviderRecord, RecordKind
from stint.kit.clock import Clock
from stint.kit.money import Money
from stint.kit.mongo import Collection, IndexSpec, ensure_indexes

CHARGE_INDEXES = [IndexSpec([("at", 1)]), IndexSpec([("funding_id", 1)])]
PAYOUT_INDEXES = [IndexSpec([("submitted_at", 1)]), IndexSpec([("payout_id", 1)])]
REFUND_SUFFIX = ".refund"
GOODWILL_SUFFIX = ".goodwill"


class SandboxSettlements:
    provider = SANDBOX

    def __init__(self, charges: Collection, payouts: Collection, clock: Clock) -> None:
        self.charges = charges
        self.payouts = payouts
        self.clock = clock

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self.charges, CHARGE_INDEXES)
        await ensure_indexes(self.payouts, PAYOUT_INDEXES)

    async def records_between(
        self, start: datetime, end: datetime
    ) -> AsyncIterator[ProviderRecord]:
        async for doc in self.charges.find({"at": {"$gte": start, "$lt": end}}):
            for record in charge_records(doc):
                yield record
        now = self.clock.now()
        async for doc in self.payouts.find({"submitted_at": {"$gte": start, "$lt": end}}):
            for record in payout_records(doc, now):
                yield record

    async def records_of(self, source_id: str) -> AsyncIterator[ProviderRecord]:
        if source_id.startswith("fnd_"):
            async for doc in self.charges.find({"funding_id": str(source_id)}):
                for record in charge_records(doc):
                    yield record
            for suffix in (REFUND_SUFFIX, GOODWILL_SUFFIX):
                refund = await self.charges.find_one({"_id": f"{source_id}{suffix}"})
                for record in charge_records(refund) if refund else []:
                    yield record
            return
        now = self.clock.now()
        async for doc in self.payouts.find({"payout_id": str(source_id)}):
            for record in payout_records(doc, now):
                yield record


def charge_records(doc: dict[str, Any]) -> list[ProviderRecord]:
    amount = Money(int(doc["amount_minor"]), str(doc["currency"]))
    key = str(doc["_id"])
    if doc.get("kind") == "refund" and key.endswith(GOODWILL_SUFFIX):
        source = key.removesuffix(GOODWILL_SUFFIX)
        return [ProviderRecord(key, RecordKind.GOODWILL, source, amount, doc["at"])]
    if doc.get("kind") == "refund":
        source = key.removesuffix(REFUND_SUFFIX)
        return [ProviderRecord(key, RecordKind.REFUND, source, amount, doc["at"])]
    if doc.get("decline_code"):
        return []  # declined: no money moved
    return [ProviderRecord(key, RecordKind.CHARGE, str(doc["funding_id"]), amount, doc["at"])]


def payout_records(doc: dict[str, Any], now: datetime) -> list[ProviderRecord]:
    if not doc.get("paid") or now < doc["settles_at"]:
        return []  # failed, or not settled yet: no money moved
    amount = Money(int(doc["amount_minor"]), str(doc["currency"]))
    key, payout_id, attempt = str(doc["_id"]), str(doc["payout_id"]), int(doc["attempt"])
    paid = ProviderRecord(key, RecordKind.PAYOUT, payout_id, amount, doc["settles_at"], attempt)
    returns_at = doc.get("returns_at")
    if returns_at is None or now < returns_at:
        return [paid]
    back = ProviderRecord(key, RecordKind.RETURN, payout_id, amount, returns_at, attempt)
    return [paid, back]
