"""Protobuf primitives every service's `adapters/wire.py` uses: the one place each is defined.

- Timestamps: one truncation rule, milliseconds, both ways. MongoDB keeps milliseconds, so a
  time sent, stored and read back is the same value, and a time that arrives is never finer
  than what will be stored.
- Money: `stint.common.v1.Money` and the domain's `Money` value.
- Enums by prefix: ``POSTING_STATUS_OPEN`` is the domain's ``OPEN``; 0 (``*_UNSPECIFIED``)
  is never a domain value.
- Who acts: the verified gRPC caller as a domain `Actor`/`Cause`, and a `Cause` as the events'
  `EventContext`.
- Paging: `PageRequest`/`PageResponse` messages and `stint.kit.paging`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from stint.common.v1.event_pb2 import Actor as ActorMessage
from stint.common.v1.event_pb2 import EventContext
from stint.common.v1.money_pb2 import Money as MoneyMessage
from stint.common.v1.pagination_pb2 import PageRequest as PageRequestMessage
from stint.common.v1.pagination_pb2 import PageResponse
from stint.kit.actor import Actor, Cause
from stint.kit.grpc.identity import Caller
from stint.kit.money import Money
from stint.kit.paging import Page, PageRequest, page_request

# --- time ---------------------------------------------------------------------------------


def to_millis(when: datetime) -> datetime:
    """`when` in UTC, truncated to whole milliseconds (what MongoDB stores)."""
    when = when.astimezone(UTC)
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


def timestamp(when: datetime | None) -> Timestamp | None:
    """A Timestamp for `when` (None stays None: an unset message field)."""
    if when is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(to_millis(when))
    return stamp


def from_timestamp(stamp: Timestamp) -> datetime:
    """The UTC time a Timestamp names, truncated to milliseconds."""
    return to_millis(stamp.ToDatetime(tzinfo=UTC))


def optional_time(message: Any, field: str) -> datetime | None:
    """`message.<field>` as a time, or None when the field is not set."""
    return from_timestamp(getattr(message, field)) if message.HasField(field) else None


# --- money --------------------------------------------------------------------------------


def money_message(money: Money) -> MoneyMessage:
    return MoneyMessage(amount_minor=money.amount_minor, currency=money.currency)


def money_of(message: MoneyMessage) -> Money:
    return Money(message.amount_minor, message.currency)


# --- enums by prefix ----------------------------------------------------------------------


def enum_name(enum_type: Any, number: int, prefix: str) -> str:
    """``POSTING_STATUS_OPEN`` (number 1 of PostingStatus) → ``OPEN``."""
    return str(enum_type.Name(number)).removeprefix(prefix)


def enum_number(enum_type: Any, name: str, prefix: str) -> int:
    """``OPEN`` → the number of ``POSTING_STATUS_OPEN``."""
    return int(enum_type.Value(prefix + name))


# --- who acts -----------------------------------------------------------------------------


def actor_of(caller: Caller) -> Actor:
    """The verified gRPC caller, as the domain sees it."""
    return Actor(caller.subject, caller.role, caller.org)


def cause_of(caller: Caller, causation_id: str = "") -> Cause:
    """A change a request makes: its caller and its x-request-id."""
    return Cause(actor_of(caller), correlation_id=caller.request_id, causation_id=causation_id)


def event_context(cause: Cause) -> EventContext:
    a = cause.actor
    return EventContext(
        actor=ActorMessage(subject=a.subject, role=a.role, org=a.org),
        correlation_id=cause.correlation_id,
        causation_id=cause.causation_id,
    )


def cause_from(context: EventContext, event_id: str) -> Cause:
    """The platform acting on a consumed event: the event's correlation, caused by its id."""
    return Cause.system(correlation_id=context.correlation_id, causation_id=event_id)


# --- paging -------------------------------------------------------------------------------


def paging(message: PageRequestMessage, *, field: str = "page") -> PageRequest:
    """A request's `page` field as a validated `stint.kit.paging.PageRequest`."""
    return page_request(message.page_size, message.page_token, field=field)


def page_response(page: Page[Any]) -> PageResponse:
    return PageResponse(next_page_token=page.next_token)
