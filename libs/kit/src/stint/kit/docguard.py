"""Serialize writes to one document where the server cannot do it for us.

MongoDB applies a filtered update atomically, so `{_id, version}` is a real compare-and-swap.
FerretDB 1.x does not: it reads the matching document, applies the update in its own process,
and writes the whole document back by `_id` (FerretDB issue #3040). Two concurrent writers then
both "match" and the later one silently undoes the earlier one. Measured here: two concurrent
version-guarded updates both succeeded in 187 of 200 trials.

What FerretDB does do atomically is insert with a unique `_id` and report how many documents a
delete removed. `LeaseLockGuard` builds a per-document mutex on that (insert = acquire,
delete = release, an expiry so a crashed holder cannot block the document forever), and every
kit write to an aggregate (versioned update, relay claim and acknowledgement, timer claim)
runs under it. `NoGuard` is used on real MongoDB, where the lock would be pure overhead.

`LeaseLockGuard` costs two extra round trips per write (insert, delete). When every writer of
a database lives in one process (one replica per service, as `make run`, the e2e suite and the
bench run the platform), an in-process mutex gives exactly the same protection for free:
`LocalGuard`. Which one a service uses is the `write_guard` setting (`guard_for`): `auto` picks
a lease lock on FerretDB and nothing on MongoDB; `local` must only be chosen when no other
process writes the same database.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Protocol

from pymongo.errors import DuplicateKeyError

from stint.kit.clock import Clock, SystemClock
from stint.kit.errors import ConcurrencyConflict
from stint.kit.mongo import Collection, Database

LOCKS_COLLECTION = "_stint_write_locks"


class DocumentGuard(Protocol):
    def hold(
        self, collection: Collection, doc_id: str
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """Exclusive right to write document `doc_id` of `collection` while inside."""
        ...


class NoGuard:
    """For servers whose filtered updates are atomic (MongoDB)."""

    @contextlib.asynccontextmanager
    async def hold(self, collection: Collection, doc_id: str) -> AsyncIterator[None]:
        yield


class LocalGuard:
    """A per-document asyncio mutex shared by everything in this process.

    The registry is process-wide (keyed by database, collection and id), so two components of
    one process that write the same document (a handler and the relay, two timer workers in a
    test) exclude each other even when each built its own guard. Locks are dropped once free.
    """

    _locks: dict[tuple[str, str, str], asyncio.Lock] = {}
    _users: dict[tuple[str, str, str], int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, collection: Collection, doc_id: str) -> AsyncIterator[None]:
        key = (collection.database.name, collection.name, doc_id)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]


class LeaseLockGuard:
    """A per-document mutex in `locks`: see the module docstring.

    A writer waits up to `wait` for a held lock, then gives up with ConcurrencyConflict
    (ABORTED over gRPC: retryable). A lock older than `lease` belongs to a crashed writer and
    is taken over; writes under the lock take milliseconds, so the lease is generous.
    """

    def __init__(
        self,
        locks: Collection,
        clock: Clock | None = None,
        *,
        lease: timedelta = timedelta(seconds=15),
        wait: timedelta = timedelta(seconds=5),
    ) -> None:
        self._locks = locks
        # Lock expiry is about real elapsed time, never a service's (possibly simulated) clock.
        self._clock = clock or SystemClock()
        self._lease = lease
        self._wait = wait.total_seconds()

    @contextlib.asynccontextmanager
    async def hold(self, collection: Collection, doc_id: str) -> AsyncIterator[None]:
        key = f"{collection.name}/{doc_id}"
        owner = uuid.uuid4().hex
        await self._acquire(key, owner)
        try:
            yield
        finally:
            await self._locks.delete_one({"_id": key, "owner": owner})

    async def _acquire(self, key: str, owner: str) -> None:
        deadline = time.monotonic() + self._wait
        pause = 0.002
        while True:
            now = self._clock.now()
            try:
                await self._locks.insert_one(
                    {"_id": key, "owner": owner, "expires_at": now + self._lease}
                )
                return
            except DuplicateKeyError:
                held = await self._locks.find_one({"_id": key})
                if held is not None and held["expires_at"] <= now:
                    # Abandoned by a crashed writer; the delete count says who took it over.
                    await self._locks.delete_one({"_id": key, "owner": held["owner"]})
                    continue
            if time.monotonic() >= deadline:
                raise ConcurrencyConflict(f"{key} is being changed by someone else; retry")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)


GUARD_MODES = ("auto", "lease", "local", "none")


async def guard_for(db: Database, clock: Clock | None = None, mode: str = "auto") -> DocumentGuard:
    """The guard this server needs (`mode` "auto"): a lease lock on FerretDB, none on MongoDB.

    "local" swaps FerretDB's lease lock for the in-process `LocalGuard` (one writer process per
    database); "lease" and "none" force a choice. `clock` is for the guard's own tests only:
    leases run on the wall clock, so a service built with a simulated clock (tests moving time
    forward) cannot expire a held lock.
    """
    if mode not in GUARD_MODES:
        raise ValueError(f"write guard {mode!r} is not one of {GUARD_MODES}")
    if mode == "none":
        return NoGuard()
    if mode == "lease":
        return LeaseLockGuard(db[LOCKS_COLLECTION], clock)
    info = await db.client.admin.command("buildInfo")
    if "ferretdbVersion" not in info:
        return NoGuard()
    return LocalGuard() if mode == "local" else LeaseLockGuard(db[LOCKS_COLLECTION], clock)
