"""Use cases behind the RPCs: endpoint management and the owners' delivery tools.

Every use case takes the caller; endpoints and messages of another tenant are NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from notifications.adapters.catalogue import TEST_TYPE, payload
from notifications.adapters.repository import page_bounds
from notifications.delivery import Delivery
from notifications.domain import policy
from notifications.domain.errors import EndpointDisabled, EndpointNotFound, MessageNotFound
from notifications.domain.model import Attempt, Endpoint, Message, Secret, Status
from notifications.domain.signing import new_secret
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.grpc import Caller
from stint.kit.ids import is_id, new_id


@dataclass(frozen=True)
class EndpointChanges:
    """Fields to change; None leaves a field as it is."""

    url: str | None = None
    description: str | None = None
    event_types: Sequence[str] | None = None
    enabled: bool | None = None


class Handlers:
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
        self, caller: Caller, url: str, description: str, event_types: Sequence[str]
    ) -> tuple[Endpoint, str]:
        """CreateWebhookEndpoint: a new enabled endpoint of the caller's tenant and its secret."""
        owner = policy.owner_of(caller.role, caller.org)
        policy.validate_endpoint(
            url, description, event_types, self._known, allow_loopback=self._allow_loopback
        )
        now, secret = self._now(), new_secret()
        endpoint = Endpoint(
            new_id("whe"), owner, url, description, tuple(dict.fromkeys(event_types)), True,
            (Secret(secret),), now, now, version=1,
        )  # fmt: skip
        await self.endpoints.add(endpoint)
        return endpoint, secret

    async def endpoint(self, caller: Caller, endpoint_id: str) -> Endpoint:
        """GetWebhookEndpoint (and the ownership check of every other use case)."""
        owner = policy.owner_of(caller.role, caller.org)
        found = await self.endpoints.get(endpoint_id) if is_id(endpoint_id, "whe") else None
        if found is None or not policy.may_access(owner, caller.is_admin, found.owner):
            raise EndpointNotFound(f"webhook endpoint {endpoint_id} not found")
        return found

    async def list_endpoints(
        self, caller: Caller, page_size: int, page_token: str
    ) -> tuple[list[Endpoint], str]:
        """ListWebhookEndpoints: the caller's tenant's endpoints, newest first."""
        owner = policy.owner_of(caller.role, caller.org)
        size, after = page_bounds(page_size, page_token)
        return await self.endpoints.page(owner, size, after)

    async def update_endpoint(
        self, caller: Caller, endpoint_id: str, changes: EndpointChanges
    ) -> Endpoint:
        """UpdateWebhookEndpoint: enabling resets the failure clock and the disabled reason."""
        e = await self.endpoint(caller, endpoint_id)
        policy.validate_endpoint(
            changes.url,
            changes.description,
            changes.event_types,
            self._known,
            allow_loopback=self._allow_loopback,
        )
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

    async def delete_endpoint(self, caller: Caller, endpoint_id: str) -> None:
        """DeleteWebhookEndpoint: pending messages fail at their next attempt."""
        e = await self.endpoint(caller, endpoint_id)
        await self.endpoints.delete(e.id)

    async def rotate_secret(self, caller: Caller, endpoint_id: str) -> tuple[str, datetime]:
        """RotateWebhookSecret: the old secret keeps signing until the overlap ends."""
        e = await self.endpoint(caller, endpoint_id)
        now, secret = self._now(), new_secret()
        await self.endpoints.save(e.rotated(secret, now, self._overlap))
        return secret, now + self._overlap

    async def list_messages(
        self, caller: Caller, endpoint_id: str, status: Status | None, size: int, token: str
    ) -> tuple[list[Message], str]:
        """ListWebhookMessages of one endpoint, newest first."""
        e = await self.endpoint(caller, endpoint_id)
        page_size, after = page_bounds(size, token)
        return await self.messages.page(e.id, status, page_size, after)

    async def message(self, caller: Caller, message_id: str) -> Message:
        owner = policy.owner_of(caller.role, caller.org)
        found = await self.messages.get(message_id) if is_id(message_id, "msg") else None
        if found is None or not policy.may_access(owner, caller.is_admin, found.owner):
            raise MessageNotFound(f"webhook message {message_id} not found")
        return found

    async def list_attempts(
        self, caller: Caller, message_id: str, size: int, token: str
    ) -> tuple[list[Attempt], str]:
        """ListDeliveryAttempts of one message, newest first."""
        m = await self.message(caller, message_id)
        page_size, after = page_bounds(size, token)
        return await self.messages.attempts(m.id, page_size, after)

    async def redeliver(self, caller: Caller, message_id: str) -> Message:
        """RedeliverWebhookMessage: due now; a failure retries on what is left of the schedule."""
        m = await self.message(caller, message_id)
        await self._enabled(caller, m.endpoint_id)
        again = self._requeued(m)
        await self.messages.save(again)
        return replace(again, version=again.version + 1)

    async def recover(self, caller: Caller, endpoint_id: str, since: datetime | None) -> int:
        """RecoverFailedWebhookMessages: every failed message created since `since`."""
        if since is None:
            raise InvalidArgument("since is required", [FieldViolation("since", "required")])
        e = await self._enabled(caller, endpoint_id)
        failed = await self.messages.failed_since(e.id, since)
        for m in failed:
            await self.messages.save(self._requeued(m))
        return len(failed)

    async def send_test(self, caller: Caller, endpoint_id: str) -> Message:
        """SendTestWebhook: a `webhook.test` message, whatever the endpoint subscribes to."""
        e = await self._enabled(caller, endpoint_id)
        now = self._now()
        data = {"endpointId": e.id, "message": "This is a test webhook from Stint."}
        msg_id = new_id("msg")
        m = self.delivery.new_message(e, msg_id, TEST_TYPE, payload(TEST_TYPE, now, data))
        await self.messages.add(m)
        return replace(m, version=1)

    async def _enabled(self, caller: Caller, endpoint_id: str) -> Endpoint:
        e = await self.endpoint(caller, endpoint_id)
        if not e.enabled:
            raise EndpointDisabled(f"webhook endpoint {e.id} is disabled; enable it first")
        return e

    def _requeued(self, m: Message) -> Message:
        return replace(m, status=Status.PENDING, next_attempt_at=self._now())
