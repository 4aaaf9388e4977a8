"""gRPC entrypoint: caller from the metadata, wire → handler → wire. No decisions here."""

from __future__ import annotations

from typing import Any

from notifications.adapters import inbox_wire, wire
from notifications.adapters.catalogue import CATALOGUE, example
from notifications.handlers import EndpointChanges, Handlers
from notifications.inbox import Inbox
from stint.common.v1.pagination_pb2 import PageResponse
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.grpc import current_caller
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceServicer

UPDATABLE = ("url", "description", "event_types", "enabled")
_EVENT_TYPES = pb.ListEventTypesResponse(
    event_types=[
        pb.EventType(name=k.name, proto_message=k.proto_name, topic=k.topic, example=example(k))
        for k in CATALOGUE
    ]
)


class Servicer(NotificationsServiceServicer):
    def __init__(self, handlers: Handlers, inbox: Inbox) -> None:
        self._h = handlers
        self._inbox = inbox

    async def ListNotifications(  # noqa: N802
        self, request: pb.ListNotificationsRequest, context: Any
    ) -> pb.ListNotificationsResponse:
        found, unread, token = await self._inbox.list(
            current_caller(), request.unread_only, request.page.page_size, request.page.page_token
        )
        return pb.ListNotificationsResponse(
            notifications=[inbox_wire.notification(n) for n in found],
            unread_count=unread,
            page=PageResponse(next_page_token=token),
        )

    async def MarkNotificationsRead(  # noqa: N802
        self, request: pb.MarkNotificationsReadRequest, context: Any
    ) -> pb.MarkNotificationsReadResponse:
        marked, unread = await self._inbox.mark_read(
            current_caller(), list(request.notification_ids), request.all
        )
        return pb.MarkNotificationsReadResponse(marked=marked, unread_count=unread)

    async def GetPreferences(  # noqa: N802
        self, request: pb.GetPreferencesRequest, context: Any
    ) -> pb.GetPreferencesResponse:
        channels, email = await self._inbox.preferences(current_caller())
        return pb.GetPreferencesResponse(preferences=inbox_wire.preferences(channels), email=email)

    async def SetPreferences(  # noqa: N802
        self, request: pb.SetPreferencesRequest, context: Any
    ) -> pb.SetPreferencesResponse:
        changes = [(p.kind, inbox_wire.CHANNEL_FROM_PB.get(p.channel)) for p in request.preferences]
        email = request.email if request.HasField("email") else None
        channels, address = await self._inbox.set_preferences(current_caller(), changes, email)
        return pb.SetPreferencesResponse(
            preferences=inbox_wire.preferences(channels), email=address
        )

    async def CreateWebhookEndpoint(  # noqa: N802
        self, request: pb.CreateWebhookEndpointRequest, context: Any
    ) -> pb.CreateWebhookEndpointResponse:
        endpoint, secret = await self._h.create_endpoint(
            current_caller(), request.url, request.description, list(request.event_types)
        )
        return pb.CreateWebhookEndpointResponse(endpoint=wire.endpoint(endpoint), secret=secret)

    async def GetWebhookEndpoint(  # noqa: N802
        self, request: pb.GetWebhookEndpointRequest, context: Any
    ) -> pb.GetWebhookEndpointResponse:
        endpoint = await self._h.endpoint(current_caller(), request.endpoint_id)
        return pb.GetWebhookEndpointResponse(endpoint=wire.endpoint(endpoint))

    async def ListWebhookEndpoints(  # noqa: N802
        self, request: pb.ListWebhookEndpointsRequest, context: Any
    ) -> pb.ListWebhookEndpointsResponse:
        page = request.page
        found, token = await self._h.list_endpoints(
            current_caller(), page.page_size, page.page_token
        )
        return pb.ListWebhookEndpointsResponse(
            endpoints=[wire.endpoint(e) for e in found], page=PageResponse(next_page_token=token)
        )

    async def UpdateWebhookEndpoint(  # noqa: N802
        self, request: pb.UpdateWebhookEndpointRequest, context: Any
    ) -> pb.UpdateWebhookEndpointResponse:
        paths = set(request.update_paths)
        unknown = sorted(paths - set(UPDATABLE))
        if not paths or unknown:
            problem = f"unknown: {', '.join(unknown)}" if unknown else "name what to change"
            raise InvalidArgument(problem, [FieldViolation("update_paths", problem)])
        changes = EndpointChanges(
            url=request.url if "url" in paths else None,
            description=request.description if "description" in paths else None,
            event_types=list(request.event_types) if "event_types" in paths else None,
            enabled=request.enabled if "enabled" in paths else None,
        )
        endpoint = await self._h.update_endpoint(current_caller(), request.endpoint_id, changes)
        return pb.UpdateWebhookEndpointResponse(endpoint=wire.endpoint(endpoint))

    async def DeleteWebhookEndpoint(  # noqa: N802
        self, request: pb.DeleteWebhookEndpointRequest, context: Any
    ) -> pb.DeleteWebhookEndpointResponse:
        await self._h.delete_endpoint(current_caller(), request.endpoint_id)
        return pb.DeleteWebhookEndpointResponse()

    async def RotateWebhookSecret(  # noqa: N802
        self, request: pb.RotateWebhookSecretRequest, context: Any
    ) -> pb.RotateWebhookSecretResponse:
        secret, until = await self._h.rotate_secret(current_caller(), request.endpoint_id)
        return pb.RotateWebhookSecretResponse(secret=secret, previous_expires_at=wire.ts(until))

    async def ListWebhookMessages(  # noqa: N802
        self, request: pb.ListWebhookMessagesRequest, context: Any
    ) -> pb.ListWebhookMessagesResponse:
        status = wire.STATUS_FROM_PB.get(request.status)
        found, token = await self._h.list_messages(
            current_caller(),
            request.endpoint_id,
            status,
            request.page.page_size,
            request.page.page_token,
        )
        return pb.ListWebhookMessagesResponse(
            messages=[wire.message(m) for m in found], page=PageResponse(next_page_token=token)
        )

    async def ListDeliveryAttempts(  # noqa: N802
        self, request: pb.ListDeliveryAttemptsRequest, context: Any
    ) -> pb.ListDeliveryAttemptsResponse:
        found, token = await self._h.list_attempts(
            current_caller(), request.message_id, request.page.page_size, request.page.page_token
        )
        return pb.ListDeliveryAttemptsResponse(
            attempts=[wire.attempt(a) for a in found], page=PageResponse(next_page_token=token)
        )

    async def RedeliverWebhookMessage(  # noqa: N802
        self, request: pb.RedeliverWebhookMessageRequest, context: Any
    ) -> pb.RedeliverWebhookMessageResponse:
        message = await self._h.redeliver(current_caller(), request.message_id)
        return pb.RedeliverWebhookMessageResponse(message=wire.message(message))

    async def RecoverFailedWebhookMessages(  # noqa: N802
        self, request: pb.RecoverFailedWebhookMessagesRequest, context: Any
    ) -> pb.RecoverFailedWebhookMessagesResponse:
        since = wire.from_ts(request.since) if request.HasField("since") else None
        count = await self._h.recover(current_caller(), request.endpoint_id, since)
        return pb.RecoverFailedWebhookMessagesResponse(recovered=count)

    async def SendTestWebhook(  # noqa: N802
        self, request: pb.SendTestWebhookRequest, context: Any
    ) -> pb.SendTestWebhookResponse:
        message = await self._h.send_test(current_caller(), request.endpoint_id)
        return pb.SendTestWebhookResponse(message=wire.message(message))

    async def ListEventTypes(  # noqa: N802
        self, request: pb.ListEventTypesRequest, context: Any
    ) -> pb.ListEventTypesResponse:
        return _EVENT_TYPES
