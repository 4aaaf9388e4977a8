"""The webhook body: what a receiver gets, signed byte for byte."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

# The event type of `SendTestWebhook`, sent whatever an endpoint subscribes to.
TEST_TYPE = "webhook.test"


def payload(event_type: str, timestamp: datetime, data: Mapping[str, object]) -> str:
    """The JSON body; compact and key-ordered so that the signed bytes are reproducible."""
    body = {"type": event_type, "timestamp": _rfc3339(timestamp), "data": data}
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def _rfc3339(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
