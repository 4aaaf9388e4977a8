"""E-mail notifications: the message, its template and the address rule (no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from string import Template

from notifications.domain.inbox import Notification
from notifications.domain.model import Status

MAX_ADDRESS = 254
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

SUBJECT = Template("[Stint] $title")
BODY = Template(
    "Hello,\n\n$body\n\nOpen your Stint inbox to see the details: $inbox_url\n\n"
    "-- Stint\n"
    'You receive this e-mail because your notification setting for "$kind" is e-mail.\n'
    "Change it in your notification settings.\n"
)


@dataclass(frozen=True)
class Email:
    """One e-mail for one notification; `id` shares the notification id's suffix."""

    id: str
    notification_id: str
    to: str
    subject: str
    body: str
    status: Status
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    version: int = 0


def address_problem(address: str) -> str:
    if len(address) > MAX_ADDRESS:
        return f"at most {MAX_ADDRESS} characters"
    if address and not _ADDRESS.fullmatch(address):
        return "not an e-mail address"
    return ""


def compose(n: Notification, to: str, inbox_url: str, now: datetime) -> Email:
    """The e-mail of a notification, due at once."""
    subject = SUBJECT.substitute(title=n.title)
    body = BODY.substitute(body=n.body, inbox_url=inbox_url, kind=n.kind)
    email_id = "eml_" + n.id.split("_", 1)[1]
    return Email(email_id, n.id, to, subject, body, Status.PENDING, now, 0, now)
