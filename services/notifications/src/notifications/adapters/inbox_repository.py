"""MongoDB access of the inbox: notifications, preferences and queued e-mails."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.errors import BulkWriteError

from notifications.adapters.repository import newest_first, save_due
from notifications.domain.email import Email
from notifications.domain.inbox import Notification
from notifications.domain.model import Status
from stint.kit.cache import TtlCache
from stint.kit.errors import AlreadyExists, ConcurrencyConflict
from stint.kit.mongo import Collection, Document, IndexSpec, ensure_indexes
from stint.kit.outbox import OutboxCollection
from stint.kit.paging import Page, PageRequest

DUPLICATE_KEY = 11000
# How long another replica's preference change may go unseen by this one's inbox fan-out.
PREFERENCES_TTL = 10.0


class InboxRepository:
    """Notifications are insert-once (deterministic ids) and then only ever flip to read, an
    idempotent single-valued change, so concurrent "mark read" writes cannot lose anything and
    plain updates are safe. Preferences are versioned (OutboxCollection)."""

    def __init__(
        self, notifications: Collection, preferences: OutboxCollection, emails: OutboxCollection
    ) -> None:
        self._n = notifications
        self._p = preferences
        self._e = emails
        self._prefs: TtlCache[str, tuple[dict[str, str], str, int]] = TtlCache(PREFERENCES_TTL)

    async def ensure_indexes(self) -> None:
        await ensure_indexes(
            self._n,
            [
                IndexSpec([("recipient", 1), ("_id", -1)]),
                IndexSpec([("recipient", 1), ("read", 1)]),
            ],
        )
        await self._p.ensure_indexes()
        await self._e.ensure_indexes()

    async def add(self, n: Notification) -> bool:
        """False when this notification already exists (a redelivered event)."""
        return await self.add_all([n]) == 1

    async def add_all(self, ns: list[Notification]) -> int:
        """Insert in one request; returns how many were new (the others already existed: a
        redelivered event)."""
        if not ns:
            return 0
        docs = [
            {"_id": n.id, **{k: v for k, v in n.__dict__.items() if k != "id"}, "read": False}
            for n in ns
        ]
        try:
            result = await self._n.insert_many(docs, ordered=False)
        except BulkWriteError as exc:
            errors = exc.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in errors):
                raise
            return len(docs) - len(errors)
        return len(result.inserted_ids)

    async def page(
        self, recipient: str, unread_only: bool, request: PageRequest
    ) -> Page[Notification]:
        query: dict[str, Any] = {"recipient": recipient}
        if unread_only:
            query["read"] = False
        docs = await newest_first(self._n, query, request)
        return Page.of([_notification(d) for d in docs], request, lambda n: n.id)

    async def unread(self, recipient: str) -> int:
        return await self._n.count_documents({"recipient": recipient, "read": False})

    async def mark_read(self, recipient: str, ids: list[str] | None, at: datetime) -> int:
        query: dict[str, Any] = {"recipient": recipient, "read": False}
        if ids is not None:
            query["_id"] = {"$in": ids}
        result = await self._n.update_many(query, {"$set": {"read": True, "read_at": at}})
        return result.modified_count

    async def preferences(
        self, recipient: str, *, cached: bool = False
    ) -> tuple[dict[str, str], str, int]:
        """(chosen channels, e-mail address, version); version 0 when nothing was saved.
        `cached`: may come from the read cache (every event reads them; a save here drops
        the entry), never for a read that a versioned save follows."""
        if cached:
            hit, value = self._prefs.get(recipient)
            if hit and value is not None:
                return dict(value[0]), value[1], value[2]
        doc = await self._p.get(recipient)
        found: tuple[dict[str, str], str, int] = ({}, "", 0)
        if doc is not None:
            channels = {c["kind"]: c["channel"] for c in doc["channels"]}
            found = (channels, doc.get("email", ""), doc["version"])
        self._prefs.put(recipient, (dict(found[0]), found[1], found[2]))
        return found

    async def save_preferences(
        self, recipient: str, channels: dict[str, str], email: str, version: int
    ) -> None:
        """Insert at version 0, else a versioned update (ConcurrencyConflict on a race).
        Stored as a list: kinds contain dots, which field names may not."""
        stored = [{"kind": k, "channel": c} for k, c in sorted(channels.items())]
        self._prefs.forget(recipient)
        if version == 0:
            try:
                await self._p.insert({"_id": recipient, "channels": stored, "email": email})
                return
            except AlreadyExists:
                raise ConcurrencyConflict(f"preferences of {recipient} changed") from None
        await self._p.update(recipient, version, {"channels": stored, "email": email})
        self._prefs.forget(recipient)

    async def add_email(self, e: Email) -> None:
        """Queue an e-mail; AlreadyExists when it was queued before (a redelivered event)."""
        await self._e.insert({"_id": e.id, **_email_fields(e)})

    async def save_email(self, e: Email) -> None:
        await save_due(self._e, e.id, e.version, _email_fields(e))


def _email_fields(e: Email) -> dict[str, Any]:
    fields = {k: v for k, v in e.__dict__.items() if k not in ("id", "version")}
    return {**fields, "status": e.status.value}


def email_from_doc(d: Document) -> Email:
    fields = {k: v for k, v in d.items() if k in Email.__dataclass_fields__ and k != "version"}
    fields["status"] = Status(d["status"])
    return Email(id=d["_id"], version=d["version"], **fields)


def _notification(d: Document) -> Notification:
    return Notification(
        id=d["_id"],
        recipient=d["recipient"],
        kind=d["kind"],
        title=d["title"],
        body=d["body"],
        subject_id=d["subject_id"],
        event_id=d["event_id"],
        created_at=d["created_at"],
        read_at=d.get("read_at"),
    )
