"""The webhook event-type catalogue, derived from the domain events' Protobuf messages.

Personal events (`PERSONAL`: a student's own saved-search alert) are no webhook type: they go
to the person's inbox only, never to an endpoint of a company or university the snapshots
name (the posting in a SavedSearchMatched names its company, which must not learn what a
student searches for). `CATALOGUE` is the webhook catalogue; `INBOX_ONLY` the personal kinds.

A type name is the message name split into ``<subject>.<what happened>``: ``PostingPublished``
becomes ``posting.published``, ``CandidateHired`` ``candidate.hired``, ``ExperienceRecordIssued``
``experience_record.issued``. Routing keys (company, university, student ids) are read from
every snapshot the event carries, so no call to another service is needed.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import Message

from notifications.domain.model import COMPANY, UNIVERSITY, Tenants
from notifications.domain.payload import TEST_TYPE, payload
from stint.common.v1.event_pb2 import EventContext
from stint.contracts import descriptors
from stint.notifications.v1 import events_pb2 as notifications
from stint.postings.v1 import company_pb2

# Where "the last word is what happened" reads badly.
_OVERRIDES: dict[str, str] = {
    "PostingApprovedForUniversity": "posting.approved_for_university",
    "PostingDeclinedForUniversity": "posting.declined_for_university",
    "PayoutOnHold": "payout.on_hold",
    "CompanyVerificationRevoked": "company.verification_revoked",
    "PostingSubmittedForReview": "posting.submitted_for_review",
    "PostingReviewApproved": "posting.review_approved",
    "PostingReviewDeclined": "posting.review_declined",
    "PostingTakenDown": "posting.taken_down",
    "PostingDecisionDeadlinePassed": "posting.decision_deadline_passed",
}
_ROUTING_FIELDS = {"company_id", "university_id", "student_id"}
EXAMPLE_TIME = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def type_name(message_name: str) -> str:
    if message_name in _OVERRIDES:
        return _OVERRIDES[message_name]
    words: list[str] = [w.lower() for w in re.findall(r"[A-Z][a-z0-9]*", message_name)]
    return "_".join(words[:-1]) + "." + words[-1]


@dataclass(frozen=True)
class EventKind:
    name: str
    topic: str
    message_type: type[Message]

    @property
    def proto_name(self) -> str:
        name: str = self.message_type.DESCRIPTOR.full_name
        return name


def _kinds() -> Iterator[EventKind]:
    for event in descriptors.events():  # what an event is: stint.contracts says, once
        message_type: type[Message] = getattr(importlib.import_module(event.module), event.name)
        yield EventKind(type_name(event.name), event.topic, message_type)


# Events about one person's own activity, delivered to their inbox only (by message name).
PERSONAL = frozenset({"SavedSearchMatched"})
_ALL: tuple[EventKind, ...] = tuple(_kinds())
CATALOGUE: tuple[EventKind, ...] = tuple(
    k for k in _ALL if k.message_type.DESCRIPTOR.name not in PERSONAL
)
INBOX_ONLY: tuple[EventKind, ...] = tuple(k for k in _ALL if k not in CATALOGUE)
BY_PROTO = {kind.proto_name: kind for kind in CATALOGUE}
# What a webhook endpoint may subscribe to.
TYPE_NAMES = frozenset(kind.name for kind in CATALOGUE) | {TEST_TYPE}
# What the inbox may notify of (webhook types and personal kinds).
INBOX_TYPES = frozenset(kind.name for kind in _ALL)


def tenants_of(message: Message) -> Tenants:
    """Company, university and student ids anywhere in the event's snapshots (not the actor)."""
    found: dict[str, set[str]] = {name: set() for name in _ROUTING_FIELDS}
    _collect(message, found)
    if isinstance(message, notifications.WebhookEndpointDisabled):
        key = {COMPANY: "company_id", UNIVERSITY: "university_id"}.get(message.owner_kind)
        if key and message.owner_id:
            found[key].add(message.owner_id)
    return Tenants(
        frozenset(found["company_id"]),
        frozenset(found["university_id"]),
        frozenset(found["student_id"]),
    )


def _collect(message: Message, found: dict[str, set[str]]) -> None:
    if isinstance(message, EventContext):
        return  # the actor's org is who acted, not whom the event is about
    if isinstance(message, company_pb2.Company) and message.id:
        found["company_id"].add(message.id)  # a company's own id is its routing key
    for field, value in message.ListFields():
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            for item in value if _repeated(field) else [value]:
                _collect(item, found)
        elif field.name in found and field.type == FieldDescriptor.TYPE_STRING:
            found[field.name].update(value if _repeated(field) else [value])


def _repeated(field: Any) -> bool:
    return bool(field.is_repeated)


def event_data(message: Message) -> dict[str, object]:
    """The event as JSON, in the REST API's shape: proto field names (snake_case), enums by
    name, int64 as strings, RFC 3339 times, every field without presence printed — so a
    webhook's `data` and the REST resource spell one thing one way."""
    return MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def example(kind: EventKind) -> str:
    message = kind.message_type()
    _fill(message, depth=0)
    return payload(kind.name, EXAMPLE_TIME, event_data(message))


def _fill(message: Message, depth: int) -> None:
    """Give every field a plausible value so that the example shows the whole shape."""
    descriptor = message.DESCRIPTOR
    if descriptor.full_name == "google.protobuf.Timestamp":
        message.FromDatetime(EXAMPLE_TIME)  # type: ignore[attr-defined]
        return
    for field in descriptor.fields:
        repeated = _repeated(field)
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if depth < 4:
                target = getattr(message, field.name).add() if repeated else None
                _fill(target or getattr(message, field.name), depth + 1)
            continue
        value = _scalar(field)
        if repeated:
            getattr(message, field.name).append(value)
        else:
            setattr(message, field.name, value)


def _scalar(field: Any) -> object:
    if field.type == FieldDescriptor.TYPE_ENUM:
        values = field.enum_type.values if field.enum_type else []
        return values[1].number if len(values) > 1 else 0
    if field.type == FieldDescriptor.TYPE_BOOL:
        return True
    if field.type == FieldDescriptor.TYPE_STRING:
        return _example_string(field.name)
    if field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return 1.5
    if field.type == FieldDescriptor.TYPE_BYTES:
        return b"example"
    return 1


def _example_string(name: str) -> str:
    prefixes = {"company_id": "cmp_", "student_id": "usr_", "university_id": "uni_"}
    if name in prefixes:
        return prefixes[name] + "01jexample0000000000000000"
    if name == "currency":
        return "USD"
    return f"example {name.replace('_', ' ')}"
