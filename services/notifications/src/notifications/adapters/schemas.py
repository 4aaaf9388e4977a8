"""The served catalogue: per webhook type a JSON Schema of the whole body and an example.

`data`'s schema comes from the event's Protobuf descriptor through the kit's `SchemaRegistry`
in the output direction (what `event_data` prints: every field without presence required,
int64 as strings, enums by name, no other fields), so it cannot drift from the contracts. Each
schema is self-contained: the messages it uses are inline under `$defs` and referred to as
`#/$defs/<full proto name>`, so a receiver validates a body with nothing else at hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from notifications.adapters.catalogue import CATALOGUE, EXAMPLE_TIME, EventKind, example
from notifications.domain.payload import (
    TEST_DATA_SCHEMA,
    TEST_TYPE,
    body_schema,
    payload,
    webhook_test_data,
)
from stint.kit.jsonschema import SchemaRegistry

JsonObject = dict[str, Any]
_DEFS = "#/$defs/"
EXAMPLE_ENDPOINT = "whe_01jexample0000000000000000"


@dataclass(frozen=True)
class Entry:
    """One type of the catalogue as served: the schema and the example are JSON objects."""

    name: str
    proto_message: str  # empty for `webhook.test`, which no event is behind
    topic: str
    schema: JsonObject
    example: JsonObject
    example_text: str  # the example as the exact body bytes (the deprecated text field)


def data_schema(descriptor: Any) -> tuple[JsonObject, JsonObject]:
    """(schema of the message as `event_data` prints it, the definitions it refers to)."""
    registry = SchemaRegistry(ref_base=_DEFS)
    top = registry.ref(descriptor, output=True)
    return top, dict(registry.components)


def event_entry(kind: EventKind) -> Entry:
    data, defs = data_schema(kind.message_type.DESCRIPTOR)
    description = f"`data` is {kind.proto_name} (from topic {kind.topic}) as JSON."
    text = example(kind)
    return Entry(
        name=kind.name,
        proto_message=kind.proto_name,
        topic=kind.topic,
        schema=body_schema(kind.name, data, defs, description),
        example=json.loads(text),
        example_text=text,
    )


def webhook_test_entry() -> Entry:
    """`webhook.test`: what SendTestWebhook queues, whatever an endpoint subscribes to."""
    description = "Sent on request (SendTestWebhook) to check an endpoint; no event behind it."
    text = payload(TEST_TYPE, EXAMPLE_TIME, webhook_test_data(EXAMPLE_ENDPOINT))
    return Entry(
        name=TEST_TYPE,
        proto_message="",
        topic="",
        schema=body_schema(TEST_TYPE, TEST_DATA_SCHEMA, {}, description),
        example=json.loads(text),
        example_text=text,
    )


def entries() -> tuple[Entry, ...]:
    """Every type an endpoint can receive: the domain events, then `webhook.test`."""
    return (*(event_entry(kind) for kind in CATALOGUE), webhook_test_entry())
