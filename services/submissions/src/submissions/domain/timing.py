"""Value-level rules of time on an engagement that the aggregate applies in its own
transitions (no Engagement here, so `model.py` can use them): the milestones' due times, late
deliveries, and requests for more time that lapse when the work moves on. The use cases of
extensions and milestones are in `schedule.py`."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

from submissions.domain.values import (
    Extension,
    ExtensionStatus,
    Milestone,
    MilestonePlan,
    MilestoneStatus,
)


def planned(plans: Sequence[MilestonePlan]) -> list[Milestone]:
    """The posting's plan as the engagement's milestones, numbered from 1, not yet due."""
    return [Milestone(i, p.title, p.due_offset_days, p.deliverable) for i, p in enumerate(plans, 1)]


def scheduled(milestones: Sequence[Milestone], started_at: datetime) -> list[Milestone]:
    """Due times once the work starts: the start plus each offset in days."""
    return [
        dataclasses.replace(m, due_at=started_at + timedelta(days=m.due_offset_days))
        for m in milestones
    ]


def is_late(due_date: datetime | None, at: datetime) -> bool:
    return due_date is not None and at > due_date


def lapsed(extensions: Sequence[Extension], now: datetime) -> list[Extension]:
    """A pending request that nobody answered before the work moved on lapses."""
    return [
        dataclasses.replace(x, status=ExtensionStatus.LAPSED, answered_at=now)
        if x.status is ExtensionStatus.PENDING
        else x
        for x in extensions
    ]


def pending(extensions: Sequence[Extension]) -> Extension | None:
    return next((x for x in extensions if x.status is ExtensionStatus.PENDING), None)


def milestones_pending_notice(milestones: Sequence[Milestone]) -> list[Milestone]:
    """Open milestones with a due time whose notice was not sent yet."""
    return [
        m
        for m in milestones
        if m.status is MilestoneStatus.OPEN and m.due_at is not None and not m.due_notified
    ]
