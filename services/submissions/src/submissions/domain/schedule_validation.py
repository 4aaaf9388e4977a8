"""Input rules of extensions and milestones (`schedule.py`), as field violations."""

from __future__ import annotations

from datetime import datetime, timedelta

from submissions.domain import validation
from submissions.domain.validation import MAX_REASON, Violations
from submissions.domain.values import Artifact

MAX_MILESTONE_NOTE = 2000
MAX_NUMBER = 99


def number(v: Violations, field: str, value: str) -> int:
    """A number from the path ("1" to "99"); 0 (and a violation) otherwise."""
    text = value.strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_NUMBER:
        v.add(field, f"must be a number from 1 to {MAX_NUMBER}")
        return 0
    return int(text)


def new_due_date(
    v: Violations,
    value: datetime | None,
    current: datetime | None,
    now: datetime,
    limit: timedelta,
) -> None:
    """Later than the due date in force and than now, at most `limit` after the later."""
    if value is None:
        v.add("new_due_date", "required")
        return
    if value <= now:
        v.add("new_due_date", "must be in the future")
    elif current is not None and value <= current:
        v.add("new_due_date", "must be later than the current due date")
    elif value > max(now, current or now) + limit:
        v.add("new_due_date", f"at most {limit.days} days after the current due date")


def reason(v: Violations, value: str, *, required: bool) -> None:
    v.length("reason", value, MAX_REASON, required=required)


def check_off(v: Violations, note: str, artifact: Artifact | None, *, student: bool) -> None:
    v.length("note", note, MAX_MILESTONE_NOTE)
    if not student and (note.strip() or artifact is not None):
        v.add("note" if note.strip() else "artifact", "only the intern hands something in")
    if artifact is not None:
        validation.artifact(v, "artifact", artifact)
