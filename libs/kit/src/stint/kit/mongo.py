"""MongoDB access with PyMongo's AsyncMongoClient: client factory, index bootstrap, ping.

Works against real MongoDB and FerretDB alike: no transactions, no TTL or partial indexes.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from stint.kit import metrics

Document = dict[str, Any]
MongoClient = AsyncMongoClient[Document]
Collection = AsyncCollection[Document]
Database = AsyncDatabase[Document]
log = logging.getLogger(__name__)


class DatabaseOutage:
    """One warning when work starts failing for want of the database (gRPC calls answered
    UNAVAILABLE, consumed records held back), one when work succeeds again, with how long and
    how much was refused: not a traceback per request or record."""

    def __init__(self) -> None:
        self.since: float | None = None
        self.refused = 0

    def refusing(self, where: str, exc: BaseException) -> None:
        self.refused += 1
        if self.since is None:
            self.since = time.monotonic()
            log.warning(
                "database unreachable: work is refused or held back until it is back",
                extra={"where": where, "error": repr(exc)[:300]},
            )

    def served(self) -> None:
        if self.since is not None:
            log.warning(
                "database reachable again",
                extra={
                    "outage_seconds": round(time.monotonic() - self.since, 1),
                    "refused": self.refused,
                },
            )
            self.since, self.refused = None, 0


DATABASE_OUTAGE = DatabaseOutage()  # one per process: a process has one database


class CommandCounter(monitoring.CommandListener):
    """Counts every command by name and collection (`stint_db_commands_total`): the figure
    that says which code path costs how many round trips, on MongoDB and FerretDB alike."""

    # Commands whose first value is not a collection name.
    _NO_COLLECTION = frozenset({"hello", "isMaster", "ismaster", "ping", "buildInfo"})

    def __init__(self, service: str) -> None:
        self._service = service

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        name = event.command_name
        target = event.command.get(name) if name not in self._NO_COLLECTION else None
        collection = target if isinstance(target, str) else ""
        metrics.DB_COMMANDS.labels(self._service, name, collection).inc()

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


def create_mongo_client(uri: str, *, app_name: str, timeout_ms: int = 5000) -> MongoClient:
    """A client with timezone-aware datetimes and bounded timeouts (fail fast, never hang).

    Retryable writes are off: FerretDB and standalone servers do not support them, and every
    write here is already guarded by a version or an idempotency key. Every command is counted
    (`CommandCounter`).
    """
    return AsyncMongoClient(
        uri,
        appname=app_name,
        tz_aware=True,
        retryWrites=False,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=max(timeout_ms * 2, 10_000),
        event_listeners=[CommandCounter(app_name)],
    )


@dataclass(frozen=True)
class IndexSpec:
    """One index: ``keys`` as (field, 1 | -1) pairs; only features FerretDB also has."""

    keys: Sequence[tuple[str, int]]
    unique: bool = False
    name: str | None = None

    def index_name(self) -> str:
        return self.name or "_".join(f"{field}_{order}" for field, order in self.keys)


async def ensure_indexes(collection: Collection, specs: Sequence[IndexSpec]) -> None:
    """Create indexes that are missing; creating an existing one is a no-op on the server."""
    for spec in specs:
        await collection.create_index(list(spec.keys), unique=spec.unique, name=spec.index_name())


MIGRATIONS_COLLECTION = "_stint_migrations"


async def backfill_once(
    collection: Collection, name: str, query: Document, update: Document
) -> None:
    """Apply `update` to the documents matching `query`, once per collection in a database's
    life (recorded in `_stint_migrations`): for fields a newer version maintains on every
    write, which documents stored by an older version lack. The one scan is the price."""
    done = collection.database[MIGRATIONS_COLLECTION]
    key = f"{collection.name}/{name}"
    if await done.find_one({"_id": key}) is not None:
        return
    await collection.update_many(query, update)
    with contextlib.suppress(DuplicateKeyError):  # another replica did it at the same time
        await done.insert_one({"_id": key})


async def ping(client: MongoClient) -> bool:
    """Whether the server answers; used by /readyz."""
    try:
        await client.admin.command("ping")
    except Exception:  # any failure means "not ready"; the reason is in the client's logs
        return False
    return True
