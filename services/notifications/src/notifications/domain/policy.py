"""Decisions: what input is valid, when to try again, which id a message gets.

Who may see what is `domain.access`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from notifications.domain.addresses import judge
from notifications.domain.model import Endpoint
from notifications.domain.webhook_url import (
    BadWebhookUrl,
    WebhookTarget,
    canonical_ipv4_problem,
    parse_webhook_url,
)
from stint.kit.errors import FieldViolation, InvalidArgument

MAX_DESCRIPTION = 500
MAX_EVENT_TYPES = 50
RETRY_AFTER_STATUSES = frozenset({429, 502, 503, 504})


def validate_endpoint(
    url: str | None,
    description: str | None,
    event_types: Sequence[str] | None,
    known_types: Collection[str],
    *,
    allow_loopback: bool = False,
) -> None:
    """Raise InvalidArgument naming every bad field; None means "not being changed"."""
    violations: list[FieldViolation] = []
    if url is not None:
        problem = url_problem(url, allow_loopback=allow_loopback)
        if problem:
            violations.append(FieldViolation("url", problem))
    if description is not None and len(description) > MAX_DESCRIPTION:
        violations.append(FieldViolation("description", f"at most {MAX_DESCRIPTION} characters"))
    if event_types is not None:
        if len(event_types) > MAX_EVENT_TYPES:
            violations.append(FieldViolation("event_types", f"at most {MAX_EVENT_TYPES}"))
        for i, name in enumerate(event_types):
            if name not in known_types:
                violations.append(FieldViolation(f"event_types[{i}]", f"unknown type {name!r}"))
    if violations:
        raise InvalidArgument("invalid webhook endpoint", violations)


def url_problem(url: str, *, allow_loopback: bool = False) -> str:
    """Why a URL cannot be an endpoint, or "". The host is read as the HTTP client reads it:
    an address (in any spelling) is judged at once, a name only at connect time, on every
    address it then resolves to."""
    try:
        target = parse_webhook_url(url)
    except BadWebhookUrl as exc:
        return str(exc)
    return target_problem(target, allow_loopback=allow_loopback)


def target_problem(target: WebhookTarget, *, allow_loopback: bool) -> str:
    """Why a parsed URL's host may not be reached, as far as it can be told without DNS."""
    if target.ip is None:
        return ""
    return judge(target.ip, allow_loopback=allow_loopback) or canonical_ipv4_problem(target)


@dataclass(frozen=True)
class RetryPolicy:
    """The delivery schedule: `delays[n]` seconds before attempt n+1 (attempt 1 is due at
    once when delays[0] is 0), randomised by ±`jitter`."""

    delays: tuple[float, ...]
    jitter: float
    max_retry_after: float
    disable_after: timedelta

    def next_attempt(
        self,
        attempts_made: int,
        now: datetime,
        retry_after: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> datetime | None:
        """When to try again after `attempts_made` attempts, or None when the schedule ran
        out. A Retry-After (bounded) can only push the next attempt later."""
        if attempts_made >= len(self.delays):
            return None
        delay = self.delays[attempts_made] * (1 + self.jitter * (2 * rand() - 1))
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_retry_after))
        return now + timedelta(seconds=delay)

    def should_disable(self, endpoint: Endpoint, now: datetime) -> bool:
        since = endpoint.failing_since
        return since is not None and now - since >= self.disable_after


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # the kit's id alphabet (Crockford base32)


def message_id(event_id: str, endpoint_id: str, at: datetime) -> str:
    """The deterministic ``msg_`` id of an event for an endpoint: a redelivered event maps
    to the same message. Time-ordered like `new_id` (event time in the first 48 bits)."""
    digest = hashlib.sha256(f"{event_id}\n{endpoint_id}".encode()).digest()
    ms = int(at.timestamp() * 1000) & ((1 << 48) - 1)
    value = (ms << 80) | int.from_bytes(digest[:10], "big")
    chars = [_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(26))]
    return "msg_" + "".join(chars)
