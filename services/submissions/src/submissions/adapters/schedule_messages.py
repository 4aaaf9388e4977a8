"""The Extension and Milestone messages of the engagement snapshot (`payloads.engagement`)."""

from __future__ import annotations

from stint.kit.wire import enum_number, timestamp
from stint.submissions.v1 import engagement_pb2 as pb
from submissions.domain import values as v


def artifact(a: v.Artifact) -> pb.Artifact:
    return pb.Artifact(name=a.name, url=a.url, sha256=a.sha256, size_bytes=a.size_bytes)


def _party(party: v.Party) -> pb.Party.ValueType:
    return pb.Party.ValueType(enum_number(pb.Party, party.value, "PARTY_"))


def extension(x: v.Extension) -> pb.Extension:
    return pb.Extension(
        number=x.number,
        requested_by=_party(x.requested_by),
        requester=x.requester,
        new_due_date=timestamp(x.new_due_date),
        previous_due_date=timestamp(x.previous_due_date),
        reason=x.reason,
        status=pb.ExtensionStatus.ValueType(
            enum_number(pb.ExtensionStatus, x.status.value, "EXTENSION_STATUS_")
        ),
        requested_at=timestamp(x.requested_at),
        answered_at=timestamp(x.answered_at),
        answered_by=x.answered_by,
        decline_reason=x.decline_reason,
    )


def milestone(m: v.Milestone) -> pb.Milestone:
    return pb.Milestone(
        number=m.number,
        title=m.title,
        due_at=timestamp(m.due_at),
        deliverable=m.deliverable,
        status=pb.MilestoneStatus.ValueType(
            enum_number(pb.MilestoneStatus, m.status.value, "MILESTONE_STATUS_")
        ),
        checked_off_at=timestamp(m.checked_off_at),
        checked_off_by=m.checked_off_by,
        note=m.note,
        artifact=artifact(m.artifact) if m.artifact else None,
        confirmed_at=timestamp(m.confirmed_at),
        confirmed_by=m.confirmed_by,
        late=m.late,
    )
