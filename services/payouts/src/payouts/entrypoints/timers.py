"""Timers on payout and funding documents (claimed atomically by the kit's TimerWorker)."""

from __future__ import annotations

from datetime import timedelta

from payouts.handlers import FundingHandlers, Processor
from stint.kit.mongo import Document
from stint.kit.outbox import OutboxCollection
from stint.kit.timers import DueTimer


def timers(
    processor: Processor,
    payouts: OutboxCollection,
    funding: FundingHandlers,
    fundings: OutboxCollection,
    lease: timedelta,
) -> list[DueTimer]:
    async def submit(doc: Document) -> None:
        await processor.submit_due(doc["_id"])

    async def poll(doc: Document) -> None:
        await processor.poll_due(doc["_id"])

    async def repair(doc: Document) -> None:
        await processor.repair_ledger(doc["_id"])

    async def charge(doc: Document) -> None:
        await funding.charger.repair_due(doc["_id"])

    async def repair_funding(doc: Document) -> None:
        await funding.repair_ledger(doc["_id"])

    return [
        DueTimer("payout-submit", payouts, "next_attempt_at", submit, lease),
        DueTimer("payout-poll", payouts, "next_poll_at", poll, lease),
        DueTimer("payout-ledger-repair", payouts, "ledger_due_at", repair, lease),
        DueTimer("funding-charge-repair", fundings, "charge_due_at", charge, lease),
        DueTimer("funding-ledger-repair", fundings, "ledger_due_at", repair_funding, lease),
    ]
