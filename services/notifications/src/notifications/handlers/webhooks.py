"""Use cases behind the webhook RPCs: endpoint management and the owners' delivery tools.

Every use case takes the actor; endpoints and messages of another tenant are NotFound.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TypeVar

from notifications.domain import access, policy
from notifications.domain.errors import EndpointDisabled, EndpointNotFound, MessageNotFound
from notifications.domain.model import Attempt, Endpoint, Message, Secret, Status
from notifications.domain.payload import TEST_TYPE, payload, webhook_test_data
from notifications.domain.signing import new_secret
from notifications.handlers.delivery import Delivery
from stint.kit.actor import Actor
from stint.kit.errors import FieldViolation, InvalidArgument, NotFound
from stint.kit.ids import is_id, new_id
from stint.kit.paging import Page, PageRequest

T = TypeVar("T", Endpoint, Message)
_PREFIXES = {"endpoint": "whe", "message": "msg"}  # the id prefix of each


@dataclass(frozen=True)
class EndpointChanges:
    """Fields to change; None leaves a field as it is."""

    url: str | None = None
    description: str | None = None
    event_types: Sequence[str] | None = None
    enabled: bool | None = None


class Webhooks:
    def __init__(
        self,
        delivery: Delivery,
        known_types: frozenset[str],
        secret_overlap: timedelta,
        allow_loopback: bool = False,
    ) -> None:
        self._allow_loopback = allow_loopback
        self.delivery = delivery
        self.endpoints = delivery.endpoints
        self.messages = delivery.messages
        self._known = known_types
        self._overlap = secret_overlap

    def _now(self) -> datetime:
        return self.delivery.now()

    async def create_endpoint(
        self, actor: Actor, url: str, description: str, event_types: Sequence[str]
    ) -> tuple[Endpoint, str]:
        """CreateWebhookEndpoint: a new enabled endpoint of the actor's tenant and its secret."""
        owner = access.owner_of(actor)
        self._validate(url, description, event_types)
        now, secret = self._now(), new_secret()
        endpoint = Endpoint(
            new_id("whe"), owner, url, description, tuple(dict.fromkeys(event_types)), True,
            (Secret(secret),), now, now, version=1,
        )  # fmt: skip
        await self.endpoints.add(endpoint)
        return endpoint, secret

    def check_subscriber(self, actor: Actor) -> None:
        """ListEventTypes: the catalogue is for whoever can subscribe, i.e. own an endpoint
        (NotAnOwner, PERMISSION_DENIED, for anybody else)."""
        access.owner_of(actor)

    async def endpoint(self, actor: Actor, endpoint_id: str) -> Endpoint:
        """GetWebhookEndpoint (and the ownership check of every other use case)."""
        return await _owned(actor, endpoint_id, self.endpoints.get, EndpointNotFound, "endpoint")

    async def list_endpoints(self, actor: Actor, request: PageRequest) -> Page[Endpoint]:
        """ListWebhookEndpoints: the actor's tenant's endpoints, newest first."""
        return await self.endpoints.page(access.owner_of(actor), request)

    async def update_endpoint(
        self, actor: Actor, endpoint_id: str, changes: EndpointChanges
    ) -> Endpoint:
        """UpdateWebhookEndpoint: enabling resets the failure clock and the disabled reason."""
        e = await self.endpoint(actor, endpoint_id)
        self._validate(changes.url, changes.description, changes.event_types)
        updated = replace(
            e,
            url=e.url if changes.url is None else changes.url,
            description=e.description if changes.description is None else changes.description,
            event_types=e.event_types
            if changes.event_types is None
            else tuple(dict.fromkeys(changes.event_types)),
            updated_at=self._now(),
        )
        if changes.enabled is True and not e.enabled:
            updated = replace(updated, enabled=True, disabled_reason="", failing_since=None)
        elif changes.enabled is False and e.enabled:
            updated = replace(updated, enabled=False, disabled_reason="disabled by the owner")
        return await self.endpoints.save(updated)

    async def delete_endpoint(self, actor: Actor, endpoint_id: str) -> None:
        """DeleteWebhookEndpoint: pending messages fail at their next attempt."""
        e = await self.endpoint(actor, endpoint_id)
        await self.endpoints.delete(e.id)

    async def rotate_secret(self, actor: Actor, endpoint_id: str) -> tuple[str, datetime]:
        """RotateWebhookSecret: the old secret keeps signing until the overlap ends."""
        e = await self.endpoint(actor, endpoint_id)
        now, secret = self._now(), new_secret()
        await self.endpoints.save(e.rotated(secret, now, self._overlap))
        return secret, now + self._overlap

    async def list_messages(
        self, actor: Actor, endpoint_id: str, status: Status | None, request: PageRequest
    ) -> Page[Message]:
        """ListWebhookMessages of one endpoint, newest first."""
        e = await self.endpoint(actor, endpoint_id)
        return await self.messages.page(e.id, status, request)

    async def message(self, actor: Actor, message_id: str) -> Message:
        return await _owned(actor, message_id, self.messages.get, MessageNotFound, "message")

    async def list_attempts(
        self, actor: Actor, message_id: str, request: PageRequest
    ) -> Page[Attempt]:
        """ListDeliveryAttempts of one message, newest first."""
        m = await self.message(actor, message_id)
        return await self.messages.attempts(m.id, request)

    async def redeliver(self, actor: Actor, message_id: str) -> Message:
        """RedeliverWebhookMessage: due now; a failure retries on what is left of the schedule."""
        m = await self.message(actor, message_id)
        await self._enabled(actor, m.endpoint_id)
        again = self._requeued(m)
        await self.messages.save(again)
        return replace(again, version=again.version + 1)

    async def recover(self, actor: Actor, endpoint_id: str, since: datetime | None) -> int:
        """RecoverFailedWebhookMessages: every failed message created since `since`."""
        if since is None:
            raise InvalidArgument("since is required", [FieldViolation("since", "required")])
        e = await self._enabled(actor, endpoint_id)
        failed = await self.messages.failed_since(e.id, since)
        for m in failed:
            await self.messages.save(self._requeued(m))
        return len(failed)

    async def send_test(self, actor: Actor, endpoint_id: str) -> Message:
        """SendTestWebhook: a `webhook.test` message, whatever the endpoint subscribes to."""
        e = await self._enabled(actor, endpoint_id)
        body = payload(TEST_TYPE, self._now(), webhook_test_data(e.id))
        m = self.delivery.new_message(e, new_id("msg"), TEST_TYPE, body)
        await self.messages.add(m)
        return replace(m, version=1)

    def _validate(
        self, url: str | None, description: str | None, event_types: Sequence[str] | None
    ) -> None:
        policy.validate_endpoint(
            url, description, event_types, self._known, allow_loopback=self._allow_loopback
        )

    async def _enabled(self, actor: Actor, endpoint_id: str) -> Endpoint:
        e = await self.endpoint(actor, endpoint_id)
        if not e.enabled:
            raise EndpointDisabled(f"webhook endpoint {e.id} is disabled; enable it first")
        return e

    def _requeued(self, m: Message) -> Message:
        return replace(m, status=Status.PENDING, next_attempt_at=self._now())


async def _owned(
    actor: Actor,
    item_id: str,
    get: Callable[[str], Awaitable[T | None]],
    missing: type[NotFound],
    what: str,
) -> T:
    """The endpoint or message `item_id` when the actor may see it; NotFound (`missing`) for
    a malformed id, an unknown one and one of another tenant alike."""
    access.owner_of(actor)  # who owns nothing is refused first (PermissionDenied)
    found = await get(item_id) if is_id(item_id, _PREFIXES[what]) else None
    if found is None or not access.may_access(actor, found.owner):
        raise missing(f"webhook {what} {item_id} not found")
    return found
