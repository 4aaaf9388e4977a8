"""The in-app inbox: which events notify whom, with what words, through which channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from notifications.domain.inbox_rules import COMPANY, RULES, STUDENT, UNIVERSITIES, Channel, Rule

__all__ = ["COMPANY", "KINDS", "RULES", "STUDENT", "UNIVERSITIES", "Channel", "Rule"]

KINDS = tuple(RULES)


@dataclass(frozen=True)
class InboxEvent:
    """What the inbox needs from a domain event (taken from its snapshots)."""

    kind: str
    event_id: str
    subject_id: str
    title: str
    time: datetime
    student_id: str = ""
    company_id: str = ""
    university_ids: frozenset[str] = field(default_factory=frozenset)
    # Nothing more happens by itself (e.g. a payout failure only the student can fix), and why.
    final: bool = False
    reason: str = ""
    # The audience (STUDENT or COMPANY) whose own act the event is, and who is not told.
    acted: str = ""


@dataclass(frozen=True)
class Notification:
    id: str
    recipient: str
    kind: str
    title: str
    body: str
    subject_id: str
    event_id: str
    created_at: datetime
    read_at: datetime | None = None


def recipients(event: InboxEvent) -> list[str]:
    """Inbox keys of everyone the event concerns, per its kind's rule."""
    rule = RULES.get(event.kind)
    if rule is None:
        return []
    found: list[str] = []
    if STUDENT in rule.audiences and event.student_id and event.acted != STUDENT:
        found.append(f"student:{event.student_id}")
    if COMPANY in rule.audiences and event.company_id and event.acted != COMPANY:
        found.append(f"company:{event.company_id}")
    if UNIVERSITIES in rule.audiences:
        found += [f"university:{u}" for u in sorted(event.university_ids)]
    return found


def text(event: InboxEvent) -> tuple[str, str]:
    """The notification's title and body; a rule's `final_body` when the event is final, so a
    notice never promises what will not happen, and its `reason_body` when the event carries a
    reason (e.g. the employer's, on a rejection)."""
    rule = RULES[event.kind]
    body = rule.body
    if event.final and rule.final_body:
        body = rule.final_body
    elif event.reason and rule.reason_body:
        body = rule.reason_body
    return rule.title, body.format(t=event.title or "your project", reason=event.reason)


def effective(chosen: dict[str, str]) -> dict[str, Channel]:
    """Every kind's channel: the recipient's choice, else the kind's default."""
    return {kind: Channel(chosen.get(kind, RULES[kind].default)) for kind in KINDS}
