"""The in-app inbox, notification preferences, and webhook endpoints for third parties."""

from __future__ import annotations

from gateway.routes.common import ANYONE, PAGING
from gateway.routing import Answer, Backend, Body, Prepared, Query
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceStub

INBOX = "notifications"
WEBHOOKS = "webhooks"
# Webhook endpoints belong to a company, a university or the platform: these roles can
# subscribe, and so read the event-type catalogue (notifications' `access.owner_of`).
OWNERS = frozenset({"employer", "university", "admin"})
ENDPOINT = "/v1/webhooks/endpoints/{endpoint_id}"


NOTIFICATIONS = Backend("notifications", NotificationsServiceStub, pb, INBOX)


def _update_paths(r: Prepared) -> None:
    # PATCH semantics: the fields present in the body are the ones to change.
    r.message.update_paths.extend(k for k in r.body if k != "endpoint_id")  # the path's


ROUTES = [
    NOTIFICATIONS.route(
        "GET",
        "/v1/me/notifications",
        "ListNotifications",
        "The caller's inbox",
        ANYONE,
        tag=INBOX,
        query=(*PAGING, Query("unread_only", "unread_only", "bool")),
        answer=Answer(list_field="notifications"),
    ),
    NOTIFICATIONS.route(
        "POST",
        "/v1/me/notifications/read",
        "MarkNotificationsRead",
        "Mark notifications (or all) read",
        ANYONE,
        body=Body(),
        tag=INBOX,
    ),
    NOTIFICATIONS.route(
        "GET",
        "/v1/me/notification-preferences",
        "GetPreferences",
        "In-app / e-mail / off, per kind of event",
        ANYONE,
        tag=INBOX,
    ),
    NOTIFICATIONS.route(
        "PUT",
        "/v1/me/notification-preferences",
        "SetPreferences",
        "Change notification preferences",
        ANYONE,
        body=Body(),
        tag=INBOX,
    ),
    NOTIFICATIONS.route(
        "GET",
        "/v1/webhooks/event-types",
        "ListEventTypes",
        "Every event type a webhook can receive (webhook.test too), with the JSON Schema of "
        "its body and an example",
        OWNERS,
        tag=WEBHOOKS,
    ),
    NOTIFICATIONS.route(
        "POST",
        "/v1/webhooks/endpoints",
        "CreateWebhookEndpoint",
        "Subscribe a URL (the response holds the signing secret, shown once)",
        OWNERS,
        body=Body(),
        tag=WEBHOOKS,
        answer=Answer(status=201, location="/v1/webhooks/endpoints/{endpoint[id]}"),
    ),
    NOTIFICATIONS.route(
        "GET",
        "/v1/webhooks/endpoints",
        "ListWebhookEndpoints",
        "The caller's endpoints",
        OWNERS,
        tag=WEBHOOKS,
        query=PAGING,
        answer=Answer(list_field="endpoints"),
    ),
    NOTIFICATIONS.route(
        "GET",
        ENDPOINT,
        "GetWebhookEndpoint",
        "An endpoint",
        OWNERS,
        tag=WEBHOOKS,
        answer=Answer(field="endpoint"),
    ),
    NOTIFICATIONS.route(
        "PATCH",
        ENDPOINT,
        "UpdateWebhookEndpoint",
        "Change url, description, types, enabled",
        OWNERS,
        body=Body(derived=frozenset({"update_paths"})),
        tag=WEBHOOKS,
        prepare=_update_paths,
        answer=Answer(field="endpoint"),
    ),
    NOTIFICATIONS.route(
        "DELETE",
        ENDPOINT,
        "DeleteWebhookEndpoint",
        "Remove an endpoint",
        OWNERS,
        tag=WEBHOOKS,
        answer=Answer(status=204),
    ),
    NOTIFICATIONS.route(
        "POST",
        f"{ENDPOINT}/rotate-secret",
        "RotateWebhookSecret",
        "New secret; the old one keeps signing during the overlap",
        OWNERS,
        body=Body(),
        tag=WEBHOOKS,
    ),
    NOTIFICATIONS.route(
        "POST",
        f"{ENDPOINT}/test",
        "SendTestWebhook",
        "Send a test event",
        OWNERS,
        body=Body(),
        tag=WEBHOOKS,
        answer=Answer(field="message"),
    ),
    NOTIFICATIONS.route(
        "GET",
        f"{ENDPOINT}/messages",
        "ListWebhookMessages",
        "Messages sent to an endpoint",
        OWNERS,
        tag=WEBHOOKS,
        query=(*PAGING, Query("status", "status", "enum")),
        answer=Answer(list_field="messages"),
    ),
    NOTIFICATIONS.route(
        "GET",
        "/v1/webhooks/messages/{message_id}/attempts",
        "ListDeliveryAttempts",
        "Delivery attempts of a message",
        OWNERS,
        tag=WEBHOOKS,
        query=PAGING,
        answer=Answer(list_field="attempts"),
    ),
    NOTIFICATIONS.route(
        "POST",
        "/v1/webhooks/messages/{message_id}/redeliver",
        "RedeliverWebhookMessage",
        "Send a message again",
        OWNERS,
        body=Body(),
        tag=WEBHOOKS,
        answer=Answer(field="message"),
    ),
    NOTIFICATIONS.route(
        "POST",
        f"{ENDPOINT}/recover",
        "RecoverFailedWebhookMessages",
        "Redeliver every failed message since a time",
        OWNERS,
        body=Body(),
        tag=WEBHOOKS,
    ),
]
