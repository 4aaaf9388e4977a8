"""The domain event this service emits (``WebhookEndpointDisabled`` on the wire)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notifications.domain.model import Endpoint


@dataclass(frozen=True)
class EndpointDisabled:
    """An endpoint stopped receiving events: it answered 410 Gone or failed for too long.
    `endpoint` is the endpoint as it was before (its id, owner and URL)."""

    endpoint: Endpoint
    reason: str
    at: datetime
