"""Use cases of conversations: read a thread, list the caller's, page its messages, write,
send a read receipt; and keep each thread in step with its application and its engagement's
dispute (the rules: domain/conversation.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from applications import metrics
from applications.domain.conversation import (
    Conversation,
    ConversationNotFound,
    DisputeState,
    Message,
    MessageCreated,
    RateLimit,
    RateLimited,
    application_id,
    conversation_id,
)
from applications.domain.conversation_input import MessageLimits, PostMessage
from applications.domain.model import Application
from applications.handlers.conversation_reads import ConversationReads
from applications.handlers.ports import Deps
from stint.kit.actor import Actor, Cause
from stint.kit.errors import AlreadyExists, ConcurrencyConflict, InvalidArgument
from stint.kit.ids import is_id, new_id


class ConversationStore(Protocol):
    """Conversations and their messages (adapters/conversation_repository.py)."""

    async def get(self, conversation_id: str) -> Conversation | None: ...
    async def add(self, c: Conversation) -> None:
        """Raises AlreadyExists when it is there already."""

    async def save(
        self, c: Conversation, expected_version: int, events: Sequence[MessageCreated] = ()
    ) -> None:
        """Raises ConcurrencyConflict when the stored version is not `expected_version`."""

    async def find(self, owner: str, value: str, after: str, limit: int) -> list[Conversation]:
        """`owner` (student_id / company_id) = `value`, most recent activity first."""
        ...

    async def store_message(self, m: Message) -> None: ...
    async def messages_numbered(
        self, conversation_id: str, numbers: list[int]
    ) -> list[Message]: ...


@dataclass(frozen=True)
class ConversationPolicy:
    limits: MessageLimits = field(default_factory=MessageLimits)
    rate: RateLimit = field(default_factory=RateLimit)


class ConversationHandlers(ConversationReads):
    def __init__(
        self, deps: Deps, store: ConversationStore, policy: ConversationPolicy | None = None
    ) -> None:
        self._deps = deps
        self._store = store
        self._policy = policy or ConversationPolicy()

    async def post(self, c: PostMessage, cause: Cause) -> tuple[Message, Conversation]:
        """PostConversationMessage by the student, the company's staff, or an admin while the
        engagement is disputed; emits MessageCreated (the other side is told). Read-only
        threads are FAILED_PRECONDITION, a sender past the rate limit RESOURCE_EXHAUSTED."""
        c.validate(self._policy.limits)
        for attempt in range(self._deps.write_attempts):
            conv = await self.load(c.conversation_id, cause.actor, fresh=True)
            if conv.latest is not None:  # a crash may have left it unwritten
                await self._store.store_message(conv.latest)
            expected, now = conv.version, self._deps.clock.now()
            try:
                msg = conv.post(
                    cause.actor, new_id("cvm"), c.text.strip(), c.artifacts, now,
                    self._policy.rate,
                )  # fmt: skip
            except RateLimited:
                metrics.MESSAGES_RATE_LIMITED.inc()
                raise
            snapshot = conv.snapshot()
            snapshot.version = expected + 1
            try:
                await self._store.save(conv, expected, [MessageCreated(snapshot, msg, cause)])
            except ConcurrencyConflict:
                if attempt + 1 == self._deps.write_attempts:
                    raise
                continue
            conv.version = expected + 1
            await self._store.store_message(msg)
            metrics.MESSAGES_POSTED.labels(str(msg.author_role)).inc()
            return msg, conv
        raise ConcurrencyConflict("the conversation kept changing")  # write_attempts == 0

    async def mark_read(self, conversation_id: str, through: int, actor: Actor) -> Conversation:
        """MarkConversationRead by the student or the company's staff: their side's read
        position moves up to `through` (never back). Emits nothing."""
        for attempt in range(self._deps.write_attempts):
            conv = await self.load(conversation_id, actor)
            if through > conv.message_count:
                raise InvalidArgument.of("through", f"the last message is {conv.message_count}")
            expected = conv.version
            if not conv.mark_read(actor, through, self._deps.clock.now()):
                return conv
            try:
                await self._store.save(conv, expected)
            except ConcurrencyConflict:
                if attempt + 1 == self._deps.write_attempts:
                    raise
                continue
            conv.version = expected + 1
            return conv
        raise ConcurrencyConflict("the conversation kept changing")

    async def on_application(self, app_id: str, posting_title: str = "") -> None:
        """Consumes ApplicationSubmitted, Rejected and Withdrawn: the thread exists from the
        application on, and follows it (withdrawn or rejected → read-only). `posting_title`
        is the event's (no posting read to create the thread). Idempotent; emits nothing."""
        app = await self._deps.applications.get(app_id) if is_id(app_id, "app") else None
        if app is not None:
            await self.follow(app, posting_title)

    async def follow(self, app: Application, posting_title: str = "") -> None:
        """The thread of `app`, as just loaded, follows it (hired → the engagement's id);
        CandidateHired's repair path passes the application it stored. Emits nothing."""
        await self._change(conversation_id(app.id), lambda c: c.follow(app), app, posting_title)

    async def on_dispute(self, engagement_id: str, state: DisputeState) -> None:
        """Consumes DisputeOpened / DisputeResolved of submissions: admins may write in the
        engagement's thread while it is disputed. Idempotent; emits nothing."""
        if not is_id(engagement_id, "eng"):
            return  # not an engagement of a hire made here
        now = self._deps.clock.now()
        await self._change(conversation_id(engagement_id), lambda c: c.set_dispute(state, now))

    async def _change(
        self, cid: str, change: ChangeFn, app: Application | None = None, title: str = ""
    ) -> None:
        for attempt in range(self._deps.write_attempts):
            conv = await self._store.get(cid) or await self.created(application_id(cid), app, title)
            if conv is None:
                return  # no such application here: nothing to follow
            if not change(conv):
                return
            try:
                await self._store.save(conv, conv.version)
                return
            except ConcurrencyConflict:
                if attempt + 1 == self._deps.write_attempts:
                    raise

    async def created(
        self, app_id: str, app: Application | None = None, title: str = ""
    ) -> Conversation | None:
        """The application's conversation, created now if it is not there yet (None when the
        application does not exist). `app` and `title`: already at hand, so not read again."""
        app = app or await self._deps.applications.get(app_id)
        if app is None:
            return None
        if not title:
            posting = await self._deps.postings.get(app.posting_id)
            title = posting.title if posting else ""
        conv = Conversation.of(app, title, self._deps.clock.now())
        try:
            await self._store.add(conv)
            conv.version = 1
        except AlreadyExists:
            stored = await self._store.get(conv.id)
            if stored is None:
                raise ConversationNotFound(f"conversation {conv.id} not found") from None
            conv = stored
        return conv


class ChangeFn(Protocol):
    def __call__(self, c: Conversation, /) -> bool: ...
