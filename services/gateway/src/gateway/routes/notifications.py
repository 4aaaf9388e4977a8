"""The in-app inbox, notification preferences, and webhook endpoints for third parties."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams

from gateway.auth import Principal
from gateway.routes.common import ANYONE, PAGING
from gateway.routing import Query, Route, routes_for
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceStub

INBOX = "notifications"
WEBHOOKS = "webhooks"
# Webhook endpoints belong to a company, a university or the platform.
OWNERS = frozenset({"employer", "university", "admin"})
ENDPOINT = "/v1/webhooks/endpoints/{endpoint_id}"


_notifications = routes_for("notifications", NotificationsServiceStub, pb, INBOX)


def _route(
    method: str,
    path: str,
    rpc: str,
    summary: str,
    tag: str,
    roles: frozenset[str] | None,
    **kw: Any,
) -> Route:
    return _notifications(method, path, rpc, summary, roles, tag=tag, **kw)


def _update_paths(_: Principal | None, message: Any, body: dict[str, Any], __: QueryParams) -> None:
    # PATCH semantics: the fields present in the body are the ones to change.
    message.update_paths.extend(k for k in body if k != "update_paths")


ROUTES = [
    _route(
        "GET",
        "/v1/me/notifications",
        "ListNotifications",
        "The caller's inbox",
        INBOX,
        ANYONE,
        query=(*PAGING, Query("unread_only", "unread_only", "bool")),
        list_field="notifications",
    ),
    _route(
        "POST",
        "/v1/me/notifications/read",
        "MarkNotificationsRead",
        "Mark notifications (or all) read",
        INBOX,
        ANYONE,
        body=True,
    ),
    _route(
        "GET",
        "/v1/me/notification-preferences",
        "GetPreferences",
        "In-app / e-mail / off, per kind of event",
        INBOX,
        ANYONE,
    ),
    _route(
        "PUT",
        "/v1/me/notification-preferences",
        "SetPreferences",
        "Change notification preferences",
        INBOX,
        ANYONE,
        body=True,
    ),
    _route(
        "GET",
        "/v1/webhooks/event-types",
        "ListEventTypes",
        "Every event type a webhook can receive, with an example",
        WEBHOOKS,
        OWNERS,
    ),
    _route(
        "POST",
        "/v1/webhooks/endpoints",
        "CreateWebhookEndpoint",
        "Subscribe a URL (the response holds the signing secret, shown once)",
        WEBHOOKS,
        OWNERS,
        body=True,
        status=201,
        location="/v1/webhooks/endpoints/{endpoint[id]}",
    ),
    _route(
        "GET",
        "/v1/webhooks/endpoints",
        "ListWebhookEndpoints",
        "The caller's endpoints",
        WEBHOOKS,
        OWNERS,
        query=PAGING,
        list_field="endpoints",
    ),
    _route(
        "GET", ENDPOINT, "GetWebhookEndpoint", "An endpoint", WEBHOOKS, OWNERS, result="endpoint"
    ),
    _route(
        "PATCH",
        ENDPOINT,
        "UpdateWebhookEndpoint",
        "Change url, description, types, enabled",
        WEBHOOKS,
        OWNERS,
        body=True,
        result="endpoint",
        prepare=_update_paths,
    ),
    _route(
        "DELETE",
        ENDPOINT,
        "DeleteWebhookEndpoint",
        "Remove an endpoint",
        WEBHOOKS,
        OWNERS,
        status=204,
    ),
    _route(
        "POST",
        f"{ENDPOINT}/rotate-secret",
        "RotateWebhookSecret",
        "New secret; the old one keeps signing during the overlap",
        WEBHOOKS,
        OWNERS,
        body=True,
    ),
    _route(
        "POST",
        f"{ENDPOINT}/test",
        "SendTestWebhook",
        "Send a test event",
        WEBHOOKS,
        OWNERS,
        body=True,
        result="message",
    ),
    _route(
        "GET",
        f"{ENDPOINT}/messages",
        "ListWebhookMessages",
        "Messages sent to an endpoint",
        WEBHOOKS,
        OWNERS,
        query=(*PAGING, Query("status", "status", "enum")),
        list_field="messages",
    ),
    _route(
        "GET",
        "/v1/webhooks/messages/{message_id}/attempts",
        "ListDeliveryAttempts",
        "Delivery attempts of a message",
        WEBHOOKS,
        OWNERS,
        query=PAGING,
        list_field="attempts",
    ),
    _route(
        "POST",
        "/v1/webhooks/messages/{message_id}/redeliver",
        "RedeliverWebhookMessage",
        "Send a message again",
        WEBHOOKS,
        OWNERS,
        body=True,
        result="message",
    ),
    _route(
        "POST",
        f"{ENDPOINT}/recover",
        "RecoverFailedWebhookMessages",
        "Redeliver every failed message since a time",
        WEBHOOKS,
        OWNERS,
        body=True,
    ),
]
