"""The only place Protobuf meets the domain: gRPC messages and the event this service emits."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from notifications.domain.model import Attempt, Endpoint, Message, Status
from stint.common.v1.event_pb2 import Actor, EventContext
from stint.kit.grpc import Caller
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.events_pb2 import WebhookEndpointDisabled

_STATUS = {
    Status.PENDING: pb.MESSAGE_STATUS_PENDING,
    Status.SUCCEEDED: pb.MESSAGE_STATUS_SUCCEEDED,
    Status.FAILED: pb.MESSAGE_STATUS_FAILED,
}
STATUS_FROM_PB = {v: k for k, v in _STATUS.items()}


def ts(when: datetime | None) -> Timestamp | None:
    if when is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(when.astimezone(UTC))
    return stamp


def from_ts(stamp: Timestamp) -> datetime:
    return stamp.ToDatetime(tzinfo=UTC)


def endpoint(e: Endpoint) -> pb.WebhookEndpoint:
    return pb.WebhookEndpoint(
        id=e.id,
        owner_kind=e.owner.kind,
        owner_id=e.owner.id,
        url=e.url,
        description=e.description,
        event_types=list(e.event_types),
        enabled=e.enabled,
        disabled_reason=e.disabled_reason,
        failing_since=ts(e.failing_since),
        created_at=ts(e.created_at),
        updated_at=ts(e.updated_at),
    )


def message(m: Message) -> pb.WebhookMessage:
    return pb.WebhookMessage(
        id=m.id,
        endpoint_id=m.endpoint_id,
        event_type=m.event_type,
        event_id=m.event_id,
        status=_STATUS[m.status],
        attempts=m.attempts,
        next_attempt_at=ts(m.next_attempt_at),
        created_at=ts(m.created_at),
        payload=m.payload,
    )


def attempt(a: Attempt) -> pb.DeliveryAttempt:
    return pb.DeliveryAttempt(
        id=a.id,
        message_id=a.message_id,
        endpoint_id=a.endpoint_id,
        attempted_at=ts(a.attempted_at),
        status_code=a.status_code,
        latency_ms=a.latency_ms,
        response=a.response,
        error=a.error,
        succeeded=a.succeeded,
        next_attempt_at=ts(a.next_attempt_at),
    )


def context(caller: Caller | None, causation_id: str = "") -> EventContext:
    """Field 1 of the emitted event; the platform itself acts when there is no caller."""
    if caller is None or caller.is_anonymous:
        actor = Actor(role="system")
        return EventContext(actor=actor, causation_id=causation_id)
    actor = Actor(subject=caller.subject, role=caller.role, org=caller.org)
    return EventContext(actor=actor, correlation_id=caller.request_id, causation_id=causation_id)


def disabled_event(
    e: Endpoint, reason: str, now: datetime, caller: Caller | None
) -> WebhookEndpointDisabled:
    return WebhookEndpointDisabled(
        context=context(caller),
        endpoint_id=e.id,
        owner_kind=e.owner.kind,
        owner_id=e.owner.id,
        url=e.url,
        reason=reason,
        disabled_at=ts(now),
    )
