"""MongoDB access of the webhooks: endpoints, messages and the attempt log.

Lists read one row more than a page (`PageRequest.limit`), newest first by `_id`; the page
token is the last `_id` returned (`stint.kit.paging`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from notifications.adapters import wire
from notifications.domain.events import EndpointDisabled
from notifications.domain.model import Attempt, Endpoint, Message, Owner, Secret, Status
from stint.kit.actor import Cause
from stint.kit.cache import TtlCache
from stint.kit.envelope import EventFactory
from stint.kit.mongo import Collection, Document, IndexSpec, ensure_indexes
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

# The timers' due field (messages and e-mails): unset, not stored as null, once nothing is due.
DUE_FIELD = "next_attempt_at"


async def newest_first(
    collection: Collection, query: dict[str, Any], request: PageRequest
) -> list[Document]:
    """Up to `request.limit` documents matching `query` after the request's position."""
    if request.after:
        query = {**query, "_id": {"$lt": request.after}}
    return await collection.find(query).sort("_id", -1).limit(request.limit).to_list()


async def save_due(c: OutboxCollection, doc_id: str, version: int, fields: dict[str, Any]) -> None:
    """A versioned write of a document with a timer's due field (unset when None)."""
    unset = [] if fields.get(DUE_FIELD) else [DUE_FIELD]
    kept = {k: v for k, v in fields.items() if k not in unset}
    await c.update(doc_id, version, kept, unset=unset)


def _id(item: Endpoint | Message | Attempt) -> str:
    return item.id


# How long another replica's endpoint change may go unseen by this one's fan-out (this
# replica's own changes are seen at once).
DIRECTORY_TTL_SECONDS = 10.0


class EndpointRepository:
    """Endpoints, whose events (WebhookEndpointDisabled) are committed with the save that
    causes them."""

    def __init__(
        self,
        endpoints: OutboxCollection,
        events: EventFactory,
        directory_ttl: float = DIRECTORY_TTL_SECONDS,
    ) -> None:
        self._c = endpoints
        self._events = events
        # Every event asks which endpoints its tenants have; the answer changes rarely.
        self._directory: TtlCache[Owner, list[Endpoint]] = TtlCache(directory_ttl)

    async def ensure_indexes(self) -> None:
        await self._c.ensure_indexes([IndexSpec([("owner_kind", 1), ("owner_id", 1), ("_id", -1)])])

    async def get(self, endpoint_id: str) -> Endpoint | None:
        doc = await self._c.get(endpoint_id)
        return _endpoint(doc) if doc else None

    async def add(self, e: Endpoint) -> None:
        self._directory.forget(e.owner)
        await self._c.insert({"_id": e.id, **_endpoint_fields(e)})
        self._directory.forget(e.owner)

    async def save(
        self, e: Endpoint, events: Sequence[EndpointDisabled] = (), cause: Cause | None = None
    ) -> Endpoint:
        """Write `e` if nobody changed it since it was read (ConcurrencyConflict otherwise)."""
        envelopes = wire.envelopes(self._events, events, cause or Cause.system())
        self._directory.forget(e.owner)
        version = await self._c.update(e.id, e.version, _endpoint_fields(e), envelopes)
        self._directory.forget(e.owner)
        return Endpoint(**{**e.__dict__, "version": version})

    async def delete(self, endpoint_id: str) -> None:
        self._directory.clear()  # the owner is not at hand; deletes are rare
        await self._c.collection.delete_one({"_id": endpoint_id})
        self._directory.clear()

    async def page(self, owner: Owner, request: PageRequest) -> Page[Endpoint]:
        docs = await newest_first(self._c.collection, _owner_fields(owner), request)
        return Page.of([_endpoint(d) for d in docs], request, _id)

    async def enabled_for(self, owners: list[Owner]) -> list[Endpoint]:
        """Enabled endpoints of the given owners (the tenants an event concerns): from the
        directory cache, asking the database only about owners it does not know freshly."""
        found: dict[Owner, list[Endpoint]] = {}
        for owner in owners:
            hit, endpoints = self._directory.get(owner)
            if hit and endpoints is not None:
                found[owner] = endpoints
        missing = [o for o in owners if o not in found]
        if missing:
            clauses = [{"owner_kind": o.kind, "owner_id": o.id} for o in missing]
            docs = await self._c.collection.find({"enabled": True, "$or": clauses}).to_list()
            loaded = [_endpoint(d) for d in docs]
            for owner in missing:
                found[owner] = [e for e in loaded if e.owner == owner]
                self._directory.put(owner, found[owner])
        return [e for owner in owners for e in found.get(owner, [])]


class MessageRepository:
    def __init__(self, messages: OutboxCollection, attempts: Collection) -> None:
        self._c = messages
        self._attempts = attempts

    async def ensure_indexes(self) -> None:
        await self._c.ensure_indexes(
            [
                IndexSpec([("endpoint_id", 1), ("_id", -1)]),
                IndexSpec([("endpoint_id", 1), ("status", 1), ("created_at", 1)]),
            ]
        )
        await ensure_indexes(self._attempts, [IndexSpec([("message_id", 1), ("_id", -1)])])

    async def get(self, message_id: str) -> Message | None:
        doc = await self._c.get(message_id)
        return message_from_doc(doc) if doc else None

    async def add(self, m: Message) -> None:
        """Insert; AlreadyExists when this event was already queued for this endpoint."""
        await self._c.insert({"_id": m.id, **_message_fields(m)})

    async def save(self, m: Message) -> None:
        await save_due(self._c, m.id, m.version, _message_fields(m))

    async def page(
        self, endpoint_id: str, status: Status | None, request: PageRequest
    ) -> Page[Message]:
        query: dict[str, Any] = {"endpoint_id": endpoint_id}
        if status is not None:
            query["status"] = status.value
        docs = await newest_first(self._c.collection, query, request)
        return Page.of([message_from_doc(d) for d in docs], request, _id)

    async def failed_since(self, endpoint_id: str, since: datetime) -> list[Message]:
        query = {"endpoint_id": endpoint_id, "status": Status.FAILED.value}
        query["created_at"] = {"$gte": since}  # type: ignore[assignment]
        docs = await self._c.collection.find(query).sort("_id", 1).to_list()
        return [message_from_doc(d) for d in docs]

    async def log(self, a: Attempt) -> None:
        fields = {k: v for k, v in a.__dict__.items() if k not in ("id", "owner")}
        await self._attempts.insert_one({"_id": a.id, **fields, **_owner_fields(a.owner)})

    async def attempts(self, message_id: str, request: PageRequest) -> Page[Attempt]:
        docs = await newest_first(self._attempts, {"message_id": message_id}, request)
        return Page.of([_attempt(d) for d in docs], request, _id)


def _owner_fields(o: Owner) -> dict[str, str]:
    return {"owner_kind": o.kind, "owner_id": o.id}


def _endpoint_fields(e: Endpoint) -> dict[str, Any]:
    return {
        **_owner_fields(e.owner),
        "url": e.url,
        "description": e.description,
        "event_types": list(e.event_types),
        "enabled": e.enabled,
        "secrets": [{"value": s.value, "expires_at": s.expires_at} for s in e.secrets],
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "disabled_reason": e.disabled_reason,
        "failing_since": e.failing_since,
    }


def _endpoint(d: Document) -> Endpoint:
    return Endpoint(
        id=d["_id"],
        owner=Owner(d["owner_kind"], d["owner_id"]),
        url=d["url"],
        description=d["description"],
        event_types=tuple(d["event_types"]),
        enabled=d["enabled"],
        secrets=tuple(Secret(s["value"], s.get("expires_at")) for s in d["secrets"]),
        created_at=d["created_at"],
        updated_at=d["updated_at"],
        disabled_reason=d.get("disabled_reason", ""),
        failing_since=d.get("failing_since"),
        version=d["version"],
    )


def _message_fields(m: Message) -> dict[str, Any]:
    return {
        "endpoint_id": m.endpoint_id,
        **_owner_fields(m.owner),
        "event_type": m.event_type,
        "event_id": m.event_id,
        "payload": m.payload,
        "status": m.status.value,
        "created_at": m.created_at,
        "attempts": m.attempts,
        "next_attempt_at": m.next_attempt_at,
        "traceparent": m.traceparent,
    }


def message_from_doc(d: Document) -> Message:
    return Message(
        id=d["_id"],
        endpoint_id=d["endpoint_id"],
        owner=Owner(d["owner_kind"], d["owner_id"]),
        event_type=d["event_type"],
        event_id=d["event_id"],
        payload=d["payload"],
        status=Status(d["status"]),
        created_at=d["created_at"],
        attempts=d["attempts"],
        next_attempt_at=d.get("next_attempt_at"),
        version=d["version"],
        traceparent=d.get("traceparent", ""),
    )


def _attempt(d: Document) -> Attempt:
    fields = {k: v for k, v in d.items() if k not in ("_id", "owner_kind", "owner_id")}
    return Attempt(id=d["_id"], owner=Owner(d["owner_kind"], d["owner_id"]), **fields)
