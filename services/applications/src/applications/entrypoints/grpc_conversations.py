"""The servicer's conversation RPCs (a mixin of ApplicationsServicer)."""

from __future__ import annotations

from typing import Any

from applications.adapters import conversation_wire as cw
from applications.handlers import Handlers
from stint.applications.v1 import applications_service_pb2 as api
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, cause_of, page_response, paging


class ConversationRpcs:
    """GetApplicationConversation, ListConversations, ListConversationMessages,
    PostConversationMessage, MarkConversationRead."""

    _handlers: Handlers

    async def GetApplicationConversation(  # noqa: N802 (gRPC method names)
        self, request: api.GetApplicationConversationRequest, context: Any
    ) -> api.GetApplicationConversationResponse:
        actor = actor_of(current_caller())
        conv = await self._handlers.conversations.of_application(request.application_id, actor)
        return api.GetApplicationConversationResponse(
            conversation=cw.conversation_message(conv, actor)
        )

    async def ListConversations(  # noqa: N802 (gRPC method names)
        self, request: api.ListConversationsRequest, context: Any
    ) -> api.ListConversationsResponse:
        actor = actor_of(current_caller())
        page = await self._handlers.conversations.list(
            actor, request.company_id, request.student_id, paging(request.page)
        )
        return api.ListConversationsResponse(
            conversations=[cw.conversation_message(c, actor) for c in page.items],
            page=page_response(page),
        )

    async def ListConversationMessages(  # noqa: N802 (gRPC method names)
        self, request: api.ListConversationMessagesRequest, context: Any
    ) -> api.ListConversationMessagesResponse:
        actor = actor_of(current_caller())
        page, conv = await self._handlers.conversations.messages(
            request.conversation_id, actor, request.oldest_first, paging(request.page)
        )
        return api.ListConversationMessagesResponse(
            messages=[cw.message_message(m) for m in page.items],
            page=page_response(page),
            conversation=cw.conversation_message(conv, actor),
        )

    async def PostConversationMessage(  # noqa: N802 (gRPC method names)
        self, request: api.PostConversationMessageRequest, context: Any
    ) -> api.PostConversationMessageResponse:
        cause = cause_of(current_caller())
        msg, conv = await self._handlers.conversations.post(cw.post_command(request), cause)
        return api.PostConversationMessageResponse(
            message=cw.message_message(msg), conversation=cw.conversation_message(conv, cause.actor)
        )

    async def MarkConversationRead(  # noqa: N802 (gRPC method names)
        self, request: api.MarkConversationReadRequest, context: Any
    ) -> api.MarkConversationReadResponse:
        actor = actor_of(current_caller())
        conv = await self._handlers.conversations.mark_read(
            request.conversation_id, request.through, actor
        )
        return api.MarkConversationReadResponse(conversation=cw.conversation_message(conv, actor))
