"""Stored forms of an engagement's extensions and milestones (written by `asdict` in
`repository.to_document`, read back here; fields added later read as their defaults)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stint.kit.mongo import Document
from submissions.domain.values import (
    Artifact,
    Extension,
    ExtensionStatus,
    Milestone,
    MilestoneStatus,
    Party,
)


def _dt(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


def extension(d: Document) -> Extension:
    return Extension(
        number=d["number"],
        requested_by=Party(d["requested_by"]),
        requester=d["requester"],
        new_due_date=d["new_due_date"],
        previous_due_date=d["previous_due_date"],
        reason=d["reason"],
        requested_at=d["requested_at"],
        status=ExtensionStatus(d["status"]),
        answered_at=_dt(d.get("answered_at")),
        answered_by=d.get("answered_by", ""),
        decline_reason=d.get("decline_reason", ""),
    )


def milestone(d: Document) -> Milestone:
    artifact = d.get("artifact")
    return Milestone(
        number=d["number"],
        title=d["title"],
        due_offset_days=d["due_offset_days"],
        deliverable=d.get("deliverable", ""),
        due_at=_dt(d.get("due_at")),
        status=MilestoneStatus(d["status"]),
        due_notified=d.get("due_notified", False),
        checked_off_at=_dt(d.get("checked_off_at")),
        checked_off_by=d.get("checked_off_by", ""),
        note=d.get("note", ""),
        artifact=Artifact(**artifact) if artifact else None,
        confirmed_at=_dt(d.get("confirmed_at")),
        confirmed_by=d.get("confirmed_by", ""),
        late=d.get("late", False),
    )
