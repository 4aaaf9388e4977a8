"""The sandbox's charge side: approves or declines a company's method at once, moves no money.

- The answer is chosen by the method's token (case-insensitive substring): ``declined`` →
  card_declined, ``insufficient`` → insufficient_funds; anything else is approved.
- Idempotency: a repeated key returns the first record (as a real provider does), so a charge
  asked again after a crash is never a second charge; refunds likewise by their own key.
- Records are immutable inserts in their own collection (`SandboxStore`), like the payouts'.
"""

from __future__ import annotations

from typing import Any

from payouts.adapters.sandbox import SANDBOX, SandboxStore
from payouts.handlers.funding_ports import ChargeRequest, ChargeResult
from stint.kit.clock import Clock
from stint.kit.money import Money

CARD_DECLINED = "card_declined"
INSUFFICIENT_FUNDS = "insufficient_funds"
_MESSAGES = {
    CARD_DECLINED: "the card was declined by its issuer",
    INSUFFICIENT_FUNDS: "the account has insufficient funds",
}


def _decline_code(token: str) -> str:
    token = token.lower()
    if "declined" in token:
        return CARD_DECLINED
    if "insufficient" in token:
        return INSUFFICIENT_FUNDS
    return ""


class SandboxCharges:
    name = SANDBOX

    def __init__(self, store: SandboxStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def charge(self, request: ChargeRequest) -> ChargeResult:
        record: dict[str, Any] = {
            "_id": request.idempotency_key,
            "kind": "charge",
            "funding_id": request.funding_id,
            "amount_minor": request.amount.amount_minor,
            "currency": request.amount.currency,
            "at": self._clock.now(),
            "decline_code": _decline_code(request.token),
        }
        stored = await self._store.insert_or_get(record)
        code = stored["decline_code"]
        reference = f"sbx_ch_{stored['_id']}"
        if code:
            return ChargeResult(False, reference, code, f"sandbox: {_MESSAGES[code]}")
        return ChargeResult(True, reference)

    async def refund(self, refund_key: str, charge_reference: str, amount: Money) -> str:
        record: dict[str, Any] = {
            "_id": refund_key,
            "kind": "refund",
            "charge_reference": charge_reference,
            "amount_minor": amount.amount_minor,
            "currency": amount.currency,
            "at": self._clock.now(),
        }
        stored = await self._store.insert_or_get(record)
        return f"sbx_rf_{stored['_id']}"
