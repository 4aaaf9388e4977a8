"""Conversations (versioned, with their outbox) and their messages (one document each).

A message's document id is ``<cnv>/<number>``: a page of messages is an `_id` lookup of the
numbers it covers, never a scan or a sort. A caller's conversations are read through the
indexed `student_id` / `company_id` equality and sorted by `activity_key` (the time of the last
message, then the id) among that caller's own threads only.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from pymongo.errors import DuplicateKeyError

from applications.adapters import conversation_wire
from applications.domain.conversation import (
    Artifact,
    Conversation,
    DisputeState,
    Message,
    MessageCreated,
    Post,
    Role,
)
from stint.kit.envelope import EventFactory
from stint.kit.mongo import Collection, Document, IndexSpec, ensure_indexes
from stint.kit.outbox import OutboxCollection

CONVERSATION_INDEXES = (
    IndexSpec([("student_id", 1), ("activity_key", -1)]),
    IndexSpec([("company_id", 1), ("activity_key", -1)]),
)
MESSAGE_INDEXES = (IndexSpec([("conversation_id", 1), ("number", 1)]),)
# Message documents this process wrote (so it does not write them again).
_STORED_REMEMBERED = 10_000


class ConversationRepository:
    def __init__(
        self, conversations: OutboxCollection, messages: Collection, events: EventFactory
    ) -> None:
        self.collection = conversations
        self.messages = messages
        self._events = events
        self._stored: OrderedDict[str, None] = OrderedDict()

    async def ensure_indexes(self) -> None:
        await self.collection.ensure_indexes(CONVERSATION_INDEXES)
        await ensure_indexes(self.messages, MESSAGE_INDEXES)

    async def get(self, conversation_id: str) -> Conversation | None:
        doc = await self.collection.get(conversation_id)
        return _conversation(doc) if doc else None

    async def add(self, c: Conversation) -> None:
        """Raises AlreadyExists when the conversation is there already."""
        await self.collection.insert(_conversation_doc(c))

    async def save(
        self, c: Conversation, expected_version: int, events: Sequence[MessageCreated] = ()
    ) -> None:
        """Raises ConcurrencyConflict when the stored version is not `expected_version`."""
        doc = _conversation_doc(c)
        del doc["_id"]
        envelopes = [conversation_wire.envelope(self._events, e) for e in events]
        await self.collection.update(c.id, expected_version, doc, envelopes)

    async def find(self, owner: str, value: str, after: str, limit: int) -> list[Conversation]:
        """`owner` (student_id or company_id) = `value`, most recent activity first."""
        query: dict[str, Any] = {owner: str(value)}
        if after:
            query["activity_key"] = {"$lt": str(after)}
        cursor = self.collection.collection.find(query).sort("activity_key", -1).limit(limit)
        return [_conversation(doc) async for doc in cursor]

    async def store_message(self, m: Message) -> None:
        """Write the message's document (idempotent: a second write changes nothing)."""
        key = message_key(m.conversation_id, m.number)
        if key in self._stored:
            return
        with contextlib.suppress(DuplicateKeyError):
            await self.messages.insert_one(_message_doc(m))
        self._stored[key] = None
        while len(self._stored) > _STORED_REMEMBERED:
            self._stored.popitem(last=False)

    async def messages_numbered(self, conversation_id: str, numbers: list[int]) -> list[Message]:
        """The stored messages among `numbers` (in no particular order)."""
        ids = [message_key(conversation_id, n) for n in numbers]
        query = {"conversation_id": conversation_id, "_id": {"$in": ids}}
        return [_message(d) async for d in self.messages.find(query).limit(len(ids))]


def message_key(conversation_id: str, number: int) -> str:
    return f"{conversation_id}/{number}"


def _conversation_doc(c: Conversation) -> Document:
    return {
        "_id": c.id,
        "application_id": c.application_id,
        "posting_id": c.posting_id,
        "posting_title": c.posting_title,
        "company_id": c.company_id,
        "company_name": c.company_name,
        "student_id": c.student_id,
        "student_name": c.student_name,
        "engagement_id": c.engagement_id,
        "message_count": c.message_count,
        "last_message_at": c.last_message_at,
        "student_read_through": c.student_read_through,
        "company_read_through": c.company_read_through,
        "read_only": c.read_only,
        "dispute": str(c.dispute),
        "recent": [{"author": p.author, "at": p.at} for p in c.recent],
        "latest": _message_doc(c.latest) if c.latest else None,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "activity_key": c.activity_key,
    }


def _conversation(doc: Document) -> Conversation:
    return Conversation(
        id=doc["_id"],
        application_id=doc["application_id"],
        posting_id=doc["posting_id"],
        posting_title=doc["posting_title"],
        company_id=doc["company_id"],
        company_name=doc["company_name"],
        student_id=doc["student_id"],
        student_name=doc["student_name"],
        created_at=doc["created_at"],
        updated_at=doc["updated_at"],
        engagement_id=doc["engagement_id"],
        message_count=doc["message_count"],
        last_message_at=doc.get("last_message_at"),
        student_read_through=doc["student_read_through"],
        company_read_through=doc["company_read_through"],
        read_only=doc["read_only"],
        dispute=DisputeState(doc["dispute"]),
        recent=tuple(Post(p["author"], p["at"]) for p in doc["recent"]),
        latest=_message(doc["latest"]) if doc.get("latest") else None,
        version=doc["version"],
    )


def _message_doc(m: Message) -> Document:
    return {
        "_id": message_key(m.conversation_id, m.number),
        "id": m.id,
        "conversation_id": m.conversation_id,
        "number": m.number,
        "author_subject": m.author_subject,
        "author_role": str(m.author_role),
        "text": m.text,
        "artifacts": [{"name": a.name, "url": a.url, "sha256": a.sha256} for a in m.artifacts],
        "created_at": m.created_at,
    }


def _message(doc: Document) -> Message:
    return Message(
        id=doc["id"],
        conversation_id=doc["conversation_id"],
        number=doc["number"],
        author_subject=doc["author_subject"],
        author_role=Role(doc["author_role"]),
        text=doc["text"],
        artifacts=tuple(Artifact(a["name"], a["url"], a["sha256"]) for a in doc["artifacts"]),
        created_at=doc["created_at"],
    )
