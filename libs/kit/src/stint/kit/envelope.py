"""The event envelope: CloudEvents 1.0 in Kafka binary mode around a Protobuf payload.

The value of a record is the serialized Protobuf message; everything about the event (id, type,
source, subject, time) travels in ``ce_*`` headers (design.md §4). ``ce_dataschema`` names the
payload's message type (`dataschema`): the one in the published descriptor set
(stint.contracts.descriptors) and in the AsyncAPI document (the gateway's /asyncapi.json).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from stint.kit import tracing
from stint.kit.clock import Clock
from stint.kit.ids import new_id

SPECVERSION = "1.0"
CONTENT_TYPE = "application/protobuf"
REQUIRED_HEADERS = ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time")
DATASCHEMA_PREFIX = "https://stint.dev/schemas/proto/"


def dataschema(message_type: str) -> str:
    """The ``ce_dataschema`` of an event: a URI naming its full Protobuf message name."""
    return DATASCHEMA_PREFIX + message_type


class MalformedEnvelope(ValueError):
    """A record whose headers are not a CloudEvents envelope this platform understands."""


@dataclass(frozen=True)
class Envelope:
    """One event as published: routing (topic, key) plus CloudEvents attributes and payload."""

    id: str
    type: str
    source: str
    subject: str
    time: datetime
    topic: str
    key: str
    data: bytes
    traceparent: str = ""

    def headers(self) -> dict[str, str]:
        headers = {
            "ce_specversion": SPECVERSION,
            "ce_id": self.id,
            "ce_source": self.source,
            "ce_type": self.type,
            "ce_time": self.time.isoformat().replace("+00:00", "Z"),
            # Derived from the type, not stored: events already in an outbox get it too.
            "ce_dataschema": dataschema(self.type),
            "content-type": CONTENT_TYPE,
        }
        if self.subject:  # CloudEvents: when present, it must be non-empty
            headers["ce_subject"] = self.subject
        if self.traceparent:
            headers["traceparent"] = self.traceparent
        return headers

    def to_document(self) -> dict[str, Any]:
        """The form kept in an aggregate's outbox until the relay publishes it."""
        return {
            "id": self.id,
            "type": self.type,
            "source": self.source,
            "subject": self.subject,
            "time": self.time,
            "topic": self.topic,
            "key": self.key,
            "data": self.data,
            "traceparent": self.traceparent,
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Envelope:
        return cls(
            id=doc["id"],
            type=doc["type"],
            source=doc["source"],
            subject=doc["subject"],
            time=doc["time"],
            topic=doc["topic"],
            key=doc["key"],
            data=bytes(doc["data"]),
            traceparent=doc.get("traceparent", ""),
        )

    @classmethod
    def from_record(
        cls,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        headers: Iterable[tuple[str, bytes | None]],
    ) -> Envelope:
        """Parse a consumed record; raises MalformedEnvelope when it is not one of ours.

        Kafka header values are nullable (aiokafka yields None): a null header counts as absent.
        """
        try:
            attrs = {name: raw.decode() for name, raw in headers if raw is not None}
        except UnicodeDecodeError as exc:
            raise MalformedEnvelope(f"header is not UTF-8: {exc}") from exc
        missing = [h for h in REQUIRED_HEADERS if not attrs.get(h)]
        if missing:
            raise MalformedEnvelope(f"missing CloudEvents headers: {', '.join(missing)}")
        if attrs["ce_specversion"] != SPECVERSION:
            raise MalformedEnvelope(f"unsupported ce_specversion {attrs['ce_specversion']!r}")
        try:
            time = datetime.fromisoformat(attrs["ce_time"].replace("Z", "+00:00"))
        except ValueError as exc:
            raise MalformedEnvelope(f"ce_time is not RFC 3339: {attrs['ce_time']!r}") from exc
        if time.tzinfo is None:  # fromisoformat also takes dates and local times: no instant
            raise MalformedEnvelope(f"ce_time has no UTC offset: {attrs['ce_time']!r}")
        return cls(
            id=attrs["ce_id"],
            type=attrs["ce_type"],
            source=attrs["ce_source"],
            subject=attrs.get("ce_subject", ""),
            time=time,
            topic=topic,
            key=key.decode(errors="replace") if key else "",
            data=value or b"",
            traceparent=attrs.get("traceparent", ""),
        )


def new_envelope(
    message: Message,
    *,
    topic: str,
    subject: str,
    source: str,
    clock: Clock,
    traceparent: str | None = None,
) -> Envelope:
    """Wrap a Protobuf event: a fresh ``evt_`` id, ce_type = the message's full proto name,
    the aggregate id (`subject`) as the record key, and the current span's traceparent unless
    one is given (stint.kit.tracing: the event stays in the trace of what made it)."""
    return Envelope(
        id=new_id("evt"),
        type=message.DESCRIPTOR.full_name,
        source=source,
        subject=subject,
        time=clock.now(),
        topic=topic,
        key=subject,
        data=message.SerializeToString(deterministic=True),
        traceparent=tracing.current_traceparent() if traceparent is None else traceparent,
    )


class EventFactory:
    """Makes the envelopes one service publishes to one topic (source and topic fixed)."""

    def __init__(self, *, source: str, topic: str, clock: Clock) -> None:
        self.source = source
        self.topic = topic
        self._clock = clock

    def __call__(self, message: Message, subject: str, traceparent: str | None = None) -> Envelope:
        return new_envelope(
            message,
            topic=self.topic,
            subject=subject,
            source=self.source,
            clock=self._clock,
            traceparent=traceparent,
        )
