"""gRPC entrypoint: the caller as the domain's actor, wire → handler → wire. No decisions here."""

from __future__ import annotations

from typing import Any

from notifications.adapters import wire
from notifications.adapters.schemas import entries
from notifications.handlers import EndpointChanges, Inbox, Webhooks
from stint.kit.actor import Actor
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, optional_time, page_response, paging, timestamp
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceServicer

UPDATABLE = ("url", "description", "event_types", "enabled")
_EVENT_TYPES = pb.ListEventTypesResponse(event_types=[wire.event_type(e) for e in entries()])


def _actor() -> Actor:
    """The verified caller of the RPC being handled, as the domain sees it."""
    return actor_of(current_caller())


class NotificationsServicer(NotificationsServiceServicer):
    def __init__(self, webhooks: Webhooks, inbox: Inbox) -> None:
        self._h = webhooks
        self._inbox = inbox

    async def ListNotifications(  # noqa: N802
        self, request: pb.ListNotificationsRequest, context: Any
    ) -> pb.ListNotificationsResponse:
        found, unread = await self._inbox.list(_actor(), request.unread_only, paging(request.page))
        return pb.ListNotificationsResponse(
            notifications=[wire.notification(n) for n in found.items],
            unread_count=unread,
            page=page_response(found),
        )

    async def MarkNotificationsRead(  # noqa: N802
        self, request: pb.MarkNotificationsReadRequest, context: Any
    ) -> pb.MarkNotificationsReadResponse:
        marked, unread = await self._inbox.mark_read(
            _actor(), list(request.notification_ids), request.all
        )
        return pb.MarkNotificationsReadResponse(marked=marked, unread_count=unread)

    async def GetPreferences(  # noqa: N802
        self, request: pb.GetPreferencesRequest, context: Any
    ) -> pb.GetPreferencesResponse:
        channels, email = await self._inbox.preferences(_actor())
        return pb.GetPreferencesResponse(preferences=wire.preferences(channels), email=email)

    async def SetPreferences(  # noqa: N802
        self, request: pb.SetPreferencesRequest, context: Any
    ) -> pb.SetPreferencesResponse:
        changes = [(p.kind, wire.CHANNEL_FROM_PB.get(p.channel)) for p in request.preferences]
        email = request.email if request.HasField("email") else None
        channels, address = await self._inbox.set_preferences(_actor(), changes, email)
        return pb.SetPreferencesResponse(preferences=wire.preferences(channels), email=address)

    async def CreateWebhookEndpoint(  # noqa: N802
        self, request: pb.CreateWebhookEndpointRequest, context: Any
    ) -> pb.CreateWebhookEndpointResponse:
        endpoint, secret = await self._h.create_endpoint(
            _actor(), request.url, request.description, list(request.event_types)
        )
        return pb.CreateWebhookEndpointResponse(endpoint=wire.endpoint(endpoint), secret=secret)

    async def GetWebhookEndpoint(  # noqa: N802
        self, request: pb.GetWebhookEndpointRequest, context: Any
    ) -> pb.GetWebhookEndpointResponse:
        endpoint = await self._h.endpoint(_actor(), request.endpoint_id)
        return pb.GetWebhookEndpointResponse(endpoint=wire.endpoint(endpoint))

    async def ListWebhookEndpoints(  # noqa: N802
        self, request: pb.ListWebhookEndpointsRequest, context: Any
    ) -> pb.ListWebhookEndpointsResponse:
        found = await self._h.list_endpoints(_actor(), paging(request.page))
        return pb.ListWebhookEndpointsResponse(
            endpoints=[wire.endpoint(e) for e in found.items], page=page_response(found)
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
        endpoint = await self._h.update_endpoint(_actor(), request.endpoint_id, changes)
        return pb.UpdateWebhookEndpointResponse(endpoint=wire.endpoint(endpoint))

    async def DeleteWebhookEndpoint(  # noqa: N802
        self, request: pb.DeleteWebhookEndpointRequest, context: Any
    ) -> pb.DeleteWebhookEndpointResponse:
        await self._h.delete_endpoint(_actor(), request.endpoint_id)
        return pb.DeleteWebhookEndpointResponse()

    async def RotateWebhookSecret(  # noqa: N802
        self, request: pb.RotateWebhookSecretRequest, context: Any
    ) -> pb.RotateWebhookSecretResponse:
        secret, until = await self._h.rotate_secret(_actor(), request.endpoint_id)
        return pb.RotateWebhookSecretResponse(secret=secret, previous_expires_at=timestamp(until))

    async def ListWebhookMessages(  # noqa: N802
        self, request: pb.ListWebhookMessagesRequest, context: Any
    ) -> pb.ListWebhookMessagesResponse:
        status = wire.STATUS_FROM_PB.get(request.status)
        found = await self._h.list_messages(
            _actor(), request.endpoint_id, status, paging(request.page)
        )
        return pb.ListWebhookMessagesResponse(
            messages=[wire.message(m) for m in found.items], page=page_response(found)
        )

    async def ListDeliveryAttempts(  # noqa: N802
        self, request: pb.ListDeliveryAttemptsRequest, context: Any
    ) -> pb.ListDeliveryAttemptsResponse:
        found = await self._h.list_attempts(_actor(), request.message_id, paging(request.page))
        return pb.ListDeliveryAttemptsResponse(
            attempts=[wire.attempt(a) for a in found.items], page=page_response(found)
        )

    async def RedeliverWebhookMessage(  # noqa: N802
        self, request: pb.RedeliverWebhookMessageRequest, context: Any
    ) -> pb.RedeliverWebhookMessageResponse:
        message = await self._h.redeliver(_actor(), request.message_id)
        return pb.RedeliverWebhookMessageResponse(message=wire.message(message))

    async def RecoverFailedWebhookMessages(  # noqa: N802
        self, request: pb.RecoverFailedWebhookMessagesRequest, context: Any
    ) -> pb.RecoverFailedWebhookMessagesResponse:
        since = optional_time(request, "since")
        count = await self._h.recover(_actor(), request.endpoint_id, since)
        return pb.RecoverFailedWebhookMessagesResponse(recovered=count)

    async def SendTestWebhook(  # noqa: N802
        self, request: pb.SendTestWebhookRequest, context: Any
    ) -> pb.SendTestWebhookResponse:
        message = await self._h.send_test(_actor(), request.endpoint_id)
        return pb.SendTestWebhookResponse(message=wire.message(message))

    async def ListEventTypes(  # noqa: N802
        self, request: pb.ListEventTypesRequest, context: Any
    ) -> pb.ListEventTypesResponse:
        self._h.check_subscriber(_actor())
        return _EVENT_TYPES
