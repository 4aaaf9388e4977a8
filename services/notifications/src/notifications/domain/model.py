"""Webhook endpoints, messages and attempts: pure state, no I/O, no protobuf."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

COMPANY = "company"
UNIVERSITY = "university"
PLATFORM = "platform"


class Status(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class Owner:
    """The tenant an endpoint belongs to."""

    kind: str
    id: str


@dataclass(frozen=True)
class Secret:
    """A signing secret; `expires_at` is set once a newer one replaced it."""

    value: str
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Endpoint:
    id: str
    owner: Owner
    url: str
    description: str
    event_types: tuple[str, ...]
    enabled: bool
    secrets: tuple[Secret, ...]
    created_at: datetime
    updated_at: datetime
    disabled_reason: str = ""
    failing_since: datetime | None = None
    version: int = 0

    def subscribes_to(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def signing_secrets(self, now: datetime) -> list[str]:
        """Secrets that sign now: the current one and any still in its overlap."""
        return [s.value for s in self.secrets if s.expires_at is None or s.expires_at > now]

    def rotated(self, new_secret: str, now: datetime, overlap: timedelta) -> Endpoint:
        expires = now + overlap
        kept = tuple(
            Secret(s.value, s.expires_at or expires)
            for s in self.secrets
            if s.expires_at is None or s.expires_at > now
        )
        return replace(self, secrets=(*kept, Secret(new_secret)), updated_at=now)


@dataclass(frozen=True)
class Message:
    """One event for one endpoint; `id` is the `webhook-id`, stable across retries."""

    id: str
    endpoint_id: str
    owner: Owner
    event_type: str
    event_id: str
    payload: str
    status: Status
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    version: int = 0
    # W3C traceparent of the event's processing ("" untraced): each attempt joins that trace.
    traceparent: str = ""


@dataclass(frozen=True)
class Attempt:
    """The log line of one HTTP attempt."""

    id: str
    message_id: str
    endpoint_id: str
    owner: Owner
    attempted_at: datetime
    status_code: int
    latency_ms: int
    response: str
    error: str
    succeeded: bool
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class Tenants:
    """Who an event is about: routing keys taken from the event's snapshots."""

    companies: frozenset[str] = field(default_factory=frozenset)
    universities: frozenset[str] = field(default_factory=frozenset)
    students: frozenset[str] = field(default_factory=frozenset)

    def concerns(self, owner: Owner) -> bool:
        """A company sees its own events, a university those about its students or the
        postings aimed at it, the platform everything."""
        if owner.kind == PLATFORM:
            return True
        if owner.kind == COMPANY:
            return owner.id in self.companies
        return owner.kind == UNIVERSITY and owner.id in self.universities
