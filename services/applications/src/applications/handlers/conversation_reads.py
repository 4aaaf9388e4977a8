"""The reading half of conversations: one thread, the caller's threads, a page of messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from applications.domain.conversation import (
    Conversation,
    ConversationNotFound,
    Message,
    conversation_id,
)
from stint.kit.actor import ADMIN, EMPLOYER, STUDENT, Actor
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.ids import is_id
from stint.kit.paging import Page, PageRequest

if TYPE_CHECKING:
    from applications.handlers.conversations import ConversationStore
    from applications.handlers.ports import Deps


class ConversationReads:
    _deps: Deps
    _store: ConversationStore

    async def created(self, app_id: str) -> Conversation | None:
        raise NotImplementedError

    async def of_application(self, app_id: str, actor: Actor) -> Conversation:
        """GetApplicationConversation: the parties and admins (NOT_FOUND for anyone else)."""
        if not is_id(app_id, "app"):
            raise InvalidArgument.of("application_id", "must be an app_ id")
        return await self.load(conversation_id(app_id), actor, fresh=True)

    async def load(self, cid: str, actor: Actor, *, fresh: bool = False) -> Conversation:
        """The conversation if `actor` may see it; `fresh`: in step with its application now
        (the events that keep it so may still be on their way)."""
        if actor.role not in (STUDENT, EMPLOYER, ADMIN):
            raise PermissionDenied(f"role {actor.role or 'none'} has no conversations")
        conv = await self._store.get(cid) if is_id(cid, "cnv") else None
        if conv is None and is_id(cid, "cnv"):
            conv = await self.created(f"app_{cid.removeprefix('cnv_')}")
        if conv is None:
            raise ConversationNotFound(f"conversation {cid} not found")
        conv.side(actor)  # NOT_FOUND for someone else's
        if fresh:
            app = await self._deps.applications.get(conv.application_id)
            if app is not None:
                conv.follow(app)
        return conv

    async def list(
        self, actor: Actor, company_id: str, student_id: str, page: PageRequest
    ) -> Page[Conversation]:
        """ListConversations: a student's own, an employer's company's (filters ignored),
        admins name one company or one student; most recent activity first."""
        if actor.role == STUDENT:
            owner, value = "student_id", actor.subject
        elif actor.role == EMPLOYER and actor.org:
            owner, value = "company_id", actor.org
        elif actor.role == ADMIN and (company_id or student_id):
            owner, value = ("company_id", company_id) if company_id else ("student_id", student_id)
        elif actor.role == ADMIN:
            raise InvalidArgument.of("company_id", "admins name a company or a student")
        else:
            raise PermissionDenied(f"role {actor.role or 'none'} has no conversations")
        if page.after and "/cnv_" not in page.after:
            raise InvalidArgument.of("page.page_token", "is not a token from this list")
        rows = await self._store.find(owner, value, page.after, page.limit)
        return Page.of(rows, page, lambda c: c.activity_key)

    async def messages(
        self, cid: str, actor: Actor, oldest_first: bool, page: PageRequest
    ) -> tuple[Page[Message], Conversation]:
        """ListConversationMessages: by number, newest first unless `oldest_first`; every
        number is an `_id` lookup (the newest message may still be only on the conversation,
        if the process stopped between the two writes)."""
        conv = await self.load(cid, actor, fresh=True)
        if page.after and not page.after.isdigit():
            raise InvalidArgument.of("page.page_token", "is not a token from this list")
        after, count = int(page.after or 0), conv.message_count
        if oldest_first:
            numbers = list(range(after + 1, min(count, after + page.limit) + 1))
        else:
            start = after - 1 if after else count
            numbers = list(range(start, max(0, start - page.limit), -1))
        found = {m.number: m for m in await self._store.messages_numbered(conv.id, numbers)}
        latest = conv.latest
        if latest is not None and latest.number in numbers and latest.number not in found:
            found[latest.number] = latest
            await self._store.store_message(latest)
        rows = [found[n] for n in numbers if n in found]
        return Page.of(rows, page, lambda m: str(m.number)), conv
