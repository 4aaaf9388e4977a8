"""An in-memory conversation store with the real one's version rule and message keys; events
are turned into envelopes through the service's wire, as the real repository commits them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from applications.adapters import conversation_wire
from applications.domain.conversation import Conversation, Message, MessageCreated
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import AlreadyExists, ConcurrencyConflict


class FakeConversations:
    def __init__(self, events: EventFactory) -> None:
        self.events = events
        self.docs: dict[str, Conversation] = {}
        self.messages: dict[str, Message] = {}
        self.outbox: list[Envelope] = []
        self.conflicts = 0  # the next N saves lose a race
        self.lose_message_writes = False  # the process "dies" before the message's write

    async def get(self, conversation_id: str) -> Conversation | None:
        c = self.docs.get(conversation_id)
        return c.snapshot() if c else None

    async def add(self, c: Conversation) -> None:
        if c.id in self.docs:
            raise AlreadyExists(c.id)
        self.docs[c.id] = replace(c.snapshot(), version=1)

    async def save(
        self, c: Conversation, expected_version: int, events: Sequence[MessageCreated] = ()
    ) -> None:
        current = self.docs.get(c.id)
        if self.conflicts:
            self.conflicts -= 1
            raise ConcurrencyConflict("lost a race")
        if current is None or current.version != expected_version:
            raise ConcurrencyConflict("changed")
        self.docs[c.id] = replace(c.snapshot(), version=expected_version + 1)
        self.outbox += [conversation_wire.envelope(self.events, e) for e in events]

    async def find(self, owner: str, value: str, after: str, limit: int) -> list[Conversation]:
        rows = [c for c in self.docs.values() if getattr(c, owner) == value]
        rows = [c for c in rows if not after or c.activity_key < after]
        return sorted(rows, key=lambda c: c.activity_key, reverse=True)[:limit]

    async def store_message(self, m: Message) -> None:
        if self.lose_message_writes:
            return
        self.messages.setdefault(f"{m.conversation_id}/{m.number}", m)

    async def messages_numbered(self, conversation_id: str, numbers: list[int]) -> list[Message]:
        keys = [f"{conversation_id}/{n}" for n in numbers]
        return [self.messages[k] for k in keys if k in self.messages]
