"""The webhook body: what a receiver gets, signed byte for byte, and its JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

# The event type of `SendTestWebhook`, sent whatever an endpoint subscribes to.
TEST_TYPE = "webhook.test"
TEST_MESSAGE = "This is a test webhook from Stint."
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The `data` of a `webhook.test` body: `webhook_test_data` builds exactly this.
TEST_DATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "endpoint_id": {"type": "string", "description": "the endpoint it was sent to (whe_…)"},
        "message": {"type": "string", "const": TEST_MESSAGE},
    },
    "required": ["endpoint_id", "message"],
    "additionalProperties": False,
}


def payload(event_type: str, timestamp: datetime, data: Mapping[str, object]) -> str:
    """The JSON body; compact and key-ordered so that the signed bytes are reproducible."""
    body = {"type": event_type, "timestamp": _rfc3339(timestamp), "data": data}
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def webhook_test_data(endpoint_id: str) -> dict[str, object]:
    """The `data` of a `webhook.test` message sent to one endpoint."""
    return {"endpoint_id": endpoint_id, "message": TEST_MESSAGE}


def body_schema(
    event_type: str, data: Mapping[str, Any], defs: Mapping[str, Any], description: str = ""
) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the whole body `payload` builds for `event_type`, with
    `data`'s schema and the definitions it refers to (`#/$defs/…`) inline: self-contained."""
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": event_type,
        "type": "object",
        "properties": {
            "type": {"type": "string", "const": event_type},
            "timestamp": {
                "type": "string",
                "format": "date-time",
                "description": "RFC 3339, UTC: the event's time (webhook.test: the request's)",
            },
            "data": dict(data),
        },
        "required": ["type", "timestamp", "data"],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    if defs:
        schema["$defs"] = dict(defs)
    return schema


def _rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
