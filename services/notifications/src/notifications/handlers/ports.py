"""What the use cases need from the outside world: repositories, the HTTP post, the mailer.

The adapters implement them (`adapters/repository.py`, `adapters/inbox_repository.py`,
`adapters/http.py`, `adapters/smtp.py`); unit tests pass fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from notifications.domain.email import Email
from notifications.domain.events import EndpointDisabled
from notifications.domain.inbox import Notification
from notifications.domain.model import Attempt, Endpoint, Message, Owner, Status
from stint.kit.actor import Cause
from stint.kit.paging import Page, PageRequest


class EndpointRepository(Protocol):
    """Webhook endpoints; the events of a save are committed with it (through the wire)."""

    async def get(self, endpoint_id: str) -> Endpoint | None: ...
    async def add(self, e: Endpoint) -> None: ...
    async def save(
        self, e: Endpoint, events: Sequence[EndpointDisabled] = (), cause: Cause | None = None
    ) -> Endpoint:
        """Write `e` if nobody changed it since it was read (ConcurrencyConflict otherwise);
        returns it at its new version. `cause` goes into the events' context."""
        ...

    async def delete(self, endpoint_id: str) -> None: ...
    async def page(self, owner: Owner, request: PageRequest) -> Page[Endpoint]:
        """The owner's endpoints, newest first."""
        ...

    async def enabled_for(self, owners: list[Owner]) -> list[Endpoint]:
        """The enabled endpoints of these owners (may be seconds stale for other replicas)."""
        ...


class MessageRepository(Protocol):
    """Webhook messages (versioned: the timer and the owners' tools change them) and the
    log of their attempts."""

    async def get(self, message_id: str) -> Message | None: ...
    async def add(self, m: Message) -> None:
        """AlreadyExists when this event was already queued for this endpoint."""

    async def save(self, m: Message) -> None:
        """A versioned write (ConcurrencyConflict when the message moved)."""

    async def page(
        self, endpoint_id: str, status: Status | None, request: PageRequest
    ) -> Page[Message]:
        """The endpoint's messages (of one status, or all), newest first."""
        ...

    async def failed_since(self, endpoint_id: str, since: datetime) -> list[Message]: ...
    async def log(self, a: Attempt) -> None: ...
    async def attempts(self, message_id: str, request: PageRequest) -> Page[Attempt]:
        """The message's attempts, newest first."""
        ...


# What the inbox keeps per recipient: (chosen channel by kind, e-mail address, version).
Preferences = tuple[dict[str, str], str, int]


class InboxRepository(Protocol):
    """Notifications (insert-once, then only marked read), preferences and queued e-mails."""

    async def add_all(self, ns: list[Notification]) -> int:
        """Returns how many were new (the others existed: a redelivered event)."""
        ...

    async def page(
        self, recipient: str, unread_only: bool, request: PageRequest
    ) -> Page[Notification]:
        """The recipient's notifications, newest first."""
        ...

    async def unread(self, recipient: str) -> int: ...
    async def mark_read(self, recipient: str, ids: list[str] | None, at: datetime) -> int:
        """Marks the given ids (None: all) of the recipient; returns how many were unread."""
        ...

    async def preferences(self, recipient: str, *, cached: bool = False) -> Preferences:
        """Version 0 when nothing was saved; `cached` may answer from a short-lived cache
        (never for a read that a versioned save follows)."""
        ...

    async def save_preferences(
        self, recipient: str, channels: dict[str, str], email: str, version: int
    ) -> None:
        """Insert at version 0, else a versioned update (ConcurrencyConflict on a race)."""

    async def add_email(self, e: Email) -> None:
        """Queue an e-mail; AlreadyExists when it was queued before."""


class EmailRepository(Protocol):
    """Queued e-mails, as their timer changes them."""

    async def save_email(self, e: Email) -> None:
        """A versioned write of the e-mail's new state."""


@dataclass(frozen=True)
class Response:
    """What one webhook attempt produced; `status` 0 when no HTTP response came back."""

    status: int
    latency_ms: int
    body: str
    error: str = ""
    retry_after: str | None = None


class Post(Protocol):
    """POST a signed body to a webhook URL; never raises for transport problems (timeouts,
    refused addresses, resets are in `Response.error`)."""

    async def __call__(self, url: str, body: str, headers: dict[str, str], /) -> Response: ...


class Send(Protocol):
    """Send one e-mail (to, subject, body, a stable message id); raises when it is refused."""

    async def __call__(self, to: str, subject: str, body: str, message_id: str, /) -> None: ...
