"""Test events: well-known Protobuf types stand in for a service's events.proto."""

from __future__ import annotations

from google.protobuf.wrappers_pb2 import StringValue

from stint.kit.clock import SystemClock
from stint.kit.envelope import Envelope, new_envelope


def widget_event(topic: str, widget_id: str, text: str) -> Envelope:
    return new_envelope(
        StringValue(value=text),
        topic=topic,
        subject=widget_id,
        source="/stint/kit-test",
        clock=SystemClock(),
    )
