"""Protobuf ↔ inbox domain: what an event says to the inbox, and the inbox's gRPC messages."""

from __future__ import annotations

from typing import Any

from google.protobuf.message import Message as ProtoMessage

from notifications.adapters.catalogue import tenants_of
from notifications.adapters.wire import ts
from notifications.domain.inbox import Channel, InboxEvent, Notification
from stint.kit.envelope import Envelope
from stint.notifications.v1 import notifications_service_pb2 as pb

# Where each snapshot keeps the project's title (first match wins).
_TITLE_PATHS = (
    ("posting_title",),
    ("posting", "title"),
    ("engagement", "title"),
    ("payout", "posting_title"),
    ("terms", "posting_title"),
    ("url",),
)
CHANNEL_TO_PB = {
    Channel.IN_APP: pb.CHANNEL_IN_APP,
    Channel.EMAIL: pb.CHANNEL_EMAIL,
    Channel.OFF: pb.CHANNEL_OFF,
}
CHANNEL_FROM_PB = {v: k for k, v in CHANNEL_TO_PB.items()}


def inbox_event(kind: str, message: ProtoMessage, envelope: Envelope) -> InboxEvent:
    tenants = tenants_of(message)
    return InboxEvent(
        kind=kind,
        event_id=envelope.id,
        subject_id=envelope.subject,
        title=_title(message),
        time=envelope.time,
        student_id=min(tenants.students, default=""),
        company_id=min(tenants.companies, default=""),
        university_ids=tenants.universities,
    )


def _title(message: ProtoMessage) -> str:
    for path in _TITLE_PATHS:
        value: Any = message
        for name in path:
            if name not in value.DESCRIPTOR.fields_by_name:
                break
            value = getattr(value, name)
        else:
            if isinstance(value, str) and value:
                return value
    return ""


def notification(n: Notification) -> pb.Notification:
    return pb.Notification(
        id=n.id,
        kind=n.kind,
        title=n.title,
        body=n.body,
        subject_id=n.subject_id,
        created_at=ts(n.created_at),
        read_at=ts(n.read_at),
    )


def preferences(channels: dict[str, Channel]) -> list[pb.Preference]:
    return [pb.Preference(kind=k, channel=CHANNEL_TO_PB[c]) for k, c in channels.items()]
