"""The sandbox payment provider: behaves like a real one, moves no money.

- Asynchronous settlement: `submit` answers PROCESSING; the outcome shows up in `status` once
  `settle_seconds` have passed (the service's poll timer observes it).
- The outcome is chosen by the destination token (case-insensitive substring):
  ``closed`` → account_closed, ``invalid`` → invalid_account_number (both final);
  ``flaky`` → could_not_process (retryable) on attempt 1, paid afterwards;
  ``returned`` → paid, then returned as account_closed `return_seconds` after settling;
  anything else → paid.
- Idempotency: a repeated key returns the first request's record, whatever else came with it.
- Its records live in their own collection and are never updated (the status is a function of
  the stored plan and the clock), so they survive restarts and need no write guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from pymongo.errors import DuplicateKeyError

from payouts.handlers.ports import PayoutRequest, ProviderResult, ProviderStatus
from stint.kit.clock import Clock
from stint.kit.mongo import Collection

SANDBOX = "sandbox"
ACCOUNT_CLOSED = "account_closed"
INVALID_ACCOUNT = "invalid_account_number"
COULD_NOT_PROCESS = "could_not_process"


class SandboxStore(Protocol):
    async def insert_or_get(self, record: dict[str, Any]) -> dict[str, Any]:
        """Insert `record` unless its `_id` exists; return the stored record either way."""
        ...

    async def get(self, key: str) -> dict[str, Any] | None: ...


class MongoSandboxStore:
    def __init__(self, collection: Collection) -> None:
        self._collection = collection

    async def insert_or_get(self, record: dict[str, Any]) -> dict[str, Any]:
        try:
            await self._collection.insert_one(dict(record))
        except DuplicateKeyError:
            stored = await self._collection.find_one({"_id": record["_id"]})
            if stored is None:  # cannot happen: records are never deleted
                raise
            return stored
        return record

    async def get(self, key: str) -> dict[str, Any] | None:
        return await self._collection.find_one({"_id": key})


@dataclass(frozen=True)
class _Outcome:
    paid: bool
    code: str = ""
    retryable: bool = False
    returned: bool = False


def _outcome(token: str, attempt: int) -> _Outcome:
    token = token.lower()
    if "closed" in token:
        return _Outcome(False, ACCOUNT_CLOSED)
    if "invalid" in token:
        return _Outcome(False, INVALID_ACCOUNT)
    if "flaky" in token and attempt <= 1:
        return _Outcome(False, COULD_NOT_PROCESS, retryable=True)
    return _Outcome(True, returned="returned" in token)


class SandboxProvider:
    name = SANDBOX

    def __init__(
        self, store: SandboxStore, clock: Clock, *, settle_seconds: float, return_seconds: float
    ) -> None:
        self._store = store
        self._clock = clock
        self._settle = timedelta(seconds=settle_seconds)
        self._return = timedelta(seconds=return_seconds)

    async def submit(self, request: PayoutRequest) -> ProviderResult:
        now = self._clock.now()
        outcome = _outcome(request.destination_token, request.attempt)
        record = {
            "_id": request.idempotency_key,
            "payout_id": request.payout_id,
            "attempt": request.attempt,
            "amount_minor": request.amount.amount_minor,
            "currency": request.amount.currency,
            "submitted_at": now,
            "settles_at": now + self._settle,
            "paid": outcome.paid,
            "failure_code": outcome.code,
            "retryable": outcome.retryable,
            "returns_at": now + self._settle + self._return if outcome.returned else None,
        }
        return self._result(await self._store.insert_or_get(record), now)

    async def status(self, idempotency_key: str) -> ProviderResult | None:
        record = await self._store.get(idempotency_key)
        return None if record is None else self._result(record, self._clock.now())

    @staticmethod
    def _result(record: dict[str, Any], now: datetime) -> ProviderResult:
        reference = f"sbx_{record['_id']}"
        if now < record["settles_at"]:
            return ProviderResult(ProviderStatus.PROCESSING, reference)
        returns_at = record.get("returns_at")
        if record["paid"] and (returns_at is None or now < returns_at):
            return ProviderResult(ProviderStatus.PAID, reference)
        code = record["failure_code"] or ACCOUNT_CLOSED
        message = f"sandbox: {code.replace('_', ' ')}"
        return ProviderResult(ProviderStatus.FAILED, reference, code, message, record["retryable"])
