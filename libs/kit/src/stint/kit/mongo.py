"""MongoDB access with PyMongo's AsyncMongoClient: client factory, index bootstrap, ping.

Works against real MongoDB and FerretDB alike: no transactions, no TTL or partial indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

Document = dict[str, Any]
MongoClient = AsyncMongoClient[Document]
Collection = AsyncCollection[Document]
Database = AsyncDatabase[Document]


def create_mongo_client(uri: str, *, app_name: str, timeout_ms: int = 5000) -> MongoClient:
    """A client with timezone-aware datetimes and bounded timeouts (fail fast, never hang).

    Retryable writes are off: FerretDB and standalone servers do not support them, and every
    write here is already guarded by a version or an idempotency key.
    """
    return AsyncMongoClient(
        uri,
        appname=app_name,
        tz_aware=True,
        retryWrites=False,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=max(timeout_ms * 2, 10_000),
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


async def ping(client: MongoClient) -> bool:
    """Whether the server answers; used by /readyz."""
    try:
        await client.admin.command("ping")
    except Exception:  # any failure means "not ready"; the reason is in the client's logs
        return False
    return True
