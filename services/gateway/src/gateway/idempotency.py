"""`Idempotency-Key` on POST: the same key and request within the TTL returns the first
response; the same key with another request is 422. A retried request never hires twice.
The scope is (subject, method, path with its query, key); the request is compared by a
fingerprint of what it means (the caller passes the deterministic encoding of the built
message), not by its raw bytes.

Records live in the gateway's own small database (it owns no domain data). Only the request that
holds a record (its `holder` token) ever updates it, so FerretDB's non-atomic updates cannot
race here.

A pending record is *leased* for about the backend deadline: a gateway that dies mid-request
does not lock the key for the whole TTL. Once the lease is over, the original request is over
too (its backend call has a deadline), and a retry takes the record and runs the operation
again, as a retry without a key would.

Expired records are purged by the hour in which they expire (`expires_hour`, indexed): the purge
deletes whole past hours by equality, which FerretDB pushes down, and remembers the last hour
it finished, so it never scans the records that are still live (a range filter would).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from gateway.problems import ProblemError
from stint.kit.clock import Clock
from stint.kit.mongo import Collection, IndexSpec, ensure_indexes

MAX_KEY_LENGTH = 255
# Answers that may be different on a retry, so never replayed: unauthenticated, not found (a
# projection may not have caught up yet), timeouts, conflicts, rate limits; and every 5xx.
NOT_STORED = frozenset({401, 404, 408, 409, 423, 425, 429})


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass(frozen=True)
class Held:
    """A key this request holds: `holder` proves it when the record is finished or given up."""

    scope: str
    holder: str


PURGE_CURSOR = "_purged_through_hour"


def hour_of(at: datetime) -> int:
    """Hours since the epoch: the purge bucket of a record expiring at `at`."""
    return int(at.timestamp() // 3600)


class IdempotencyStore:
    def __init__(
        self, collection: Collection, clock: Clock, ttl: timedelta, lease: timedelta
    ) -> None:
        self._records = collection
        self._clock = clock
        self._ttl = ttl
        self._lease = lease

    async def ensure_indexes(self) -> None:
        await ensure_indexes(self._records, [IndexSpec([("expires_hour", 1)])])

    @staticmethod
    def scope(subject: str, method: str, path: str, key: str) -> str:
        if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
            raise ProblemError(
                400,
                "bad-idempotency-key",
                "Bad Idempotency-Key",
                f"1 to {MAX_KEY_LENGTH} printable characters",
            )
        return hashlib.sha256(f"{subject}\n{method}\n{path}\n{key}".encode()).hexdigest()

    async def begin(self, scope: str, fingerprint: bytes) -> Held | StoredResponse:
        """`Held` (go ahead: the key is now this request's) or the stored first response."""
        body_hash = hashlib.sha256(fingerprint).hexdigest()
        now = self._clock.now()
        for _ in range(3):
            holder = uuid.uuid4().hex
            try:
                await self._records.insert_one(
                    {
                        "_id": scope,
                        "body_hash": body_hash,
                        "state": "pending",
                        "holder": holder,
                        "lease_until": now + self._lease,
                        "created_at": now,
                        "expires_at": now + self._ttl,
                        "expires_hour": hour_of(now + self._ttl),
                    }
                )
                return Held(scope, holder)
            except DuplicateKeyError:
                record = await self._records.find_one({"_id": scope})
            if record is None:
                continue
            stale = record["expires_at"] <= now or (
                record["state"] == "pending" and record.get("lease_until", now) <= now
            )
            if stale:
                # Exact match: two retries racing here delete once, then one insert wins.
                await self._records.delete_one({"_id": scope, "holder": record.get("holder")})
                continue
            if record["body_hash"] != body_hash:
                raise ProblemError(
                    422,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    "this key was used with a different request",
                )
            if record["state"] == "pending":
                wait = max(1, math.ceil((record["lease_until"] - now).total_seconds()))
                raise ProblemError(
                    409,
                    "request-in-progress",
                    "Request in progress",
                    "a request with this key is still being processed",
                    headers={"Retry-After": str(wait)},
                )
            return StoredResponse(record["status"], record["body"], record.get("headers", {}))
        raise ProblemError(
            409, "request-in-progress", "Request in progress", headers={"Retry-After": "1"}
        )

    async def finish(self, held: Held, response: StoredResponse) -> None:
        if response.status >= 500 or response.status in NOT_STORED:
            await self.abandon(held)
            return
        await self._records.update_one(
            {"_id": held.scope, "holder": held.holder},
            {
                "$set": {
                    "state": "done",
                    "status": response.status,
                    "body": response.body,
                    "headers": response.headers,
                }
            },
        )

    async def abandon(self, held: Held) -> None:
        await self._records.delete_one({"_id": held.scope, "holder": held.holder})

    async def purge_expired(self) -> int:
        """Delete the records of every hour that has fully passed since the last purge."""
        last_full = hour_of(self._clock.now()) - 1
        cursor = await self._records.find_one({"_id": PURGE_CURSOR})
        # First purge ever: nothing can expire earlier than one TTL before now.
        first = cursor["hour"] + 1 if cursor else hour_of(self._clock.now() - self._ttl) - 1
        deleted = 0
        for hour in range(max(first, last_full - 24 * 400), last_full + 1):
            result = await self._records.delete_many({"expires_hour": hour})
            deleted += int(result.deleted_count)
        if first <= last_full:
            await self._records.update_one(
                {"_id": PURGE_CURSOR}, {"$set": {"hour": last_full}}, upsert=True
            )
        return deleted
