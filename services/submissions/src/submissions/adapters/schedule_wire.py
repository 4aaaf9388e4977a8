"""Protobuf meets the engagement's time here: extension and milestone requests in, their
events out (`wire.envelopes_for` routes these events to `event`)."""

from __future__ import annotations

from google.protobuf.message import Message

from stint.kit.actor import Cause
from stint.kit.wire import event_context, optional_time
from stint.submissions.v1 import events_pb2 as events
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters.payloads import engagement
from submissions.adapters.schedule_messages import extension, milestone
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain.values import Artifact

EVENTS = (
    ev.ExtensionRequested,
    ev.ExtensionGranted,
    ev.ExtensionDeclined,
    ev.ExtensionWithdrawn,
    ev.MilestoneDue,
    ev.MilestoneCompleted,
)


def request_extension(r: api.RequestExtensionRequest) -> cmd.RequestExtension:
    return cmd.RequestExtension(r.engagement_id, optional_time(r, "new_due_date"), r.reason)


def accept_extension(r: api.AcceptExtensionRequest) -> cmd.AnswerExtension:
    return cmd.AnswerExtension(r.engagement_id, r.extension_number, accept=True)


def decline_extension(r: api.DeclineExtensionRequest) -> cmd.AnswerExtension:
    return cmd.AnswerExtension(r.engagement_id, r.extension_number, False, r.reason)


def withdraw_extension(r: api.WithdrawExtensionRequest) -> cmd.AnswerExtension:
    return cmd.AnswerExtension(r.engagement_id, r.extension_number, accept=False)


def check_off(r: api.CheckOffMilestoneRequest) -> cmd.CheckOffMilestone:
    a = r.artifact
    given = None
    if r.HasField("artifact"):
        given = Artifact(a.name.strip(), a.url.strip(), a.sha256.strip().lower(), a.size_bytes)
    return cmd.CheckOffMilestone(r.engagement_id, r.milestone_number, r.note, given)


def event(e: ev.Event, cause: Cause) -> tuple[Message, str]:
    """The Protobuf event and its subject (the engagement id)."""
    c = event_context(cause)
    match e:
        case ev.ExtensionRequested(snap, x):
            msg: Message = events.ExtensionRequested(
                context=c, engagement=engagement(snap), extension=extension(x)
            )
        case ev.ExtensionGranted(snap, x):
            msg = events.ExtensionGranted(
                context=c, engagement=engagement(snap), extension=extension(x)
            )
        case ev.ExtensionDeclined(snap, x):
            msg = events.ExtensionDeclined(
                context=c, engagement=engagement(snap), extension=extension(x)
            )
        case ev.ExtensionWithdrawn(snap, x):
            msg = events.ExtensionWithdrawn(
                context=c, engagement=engagement(snap), extension=extension(x)
            )
        case ev.MilestoneDue(snap, m):
            msg = events.MilestoneDue(
                context=c, engagement=engagement(snap), milestone=milestone(m)
            )
        case ev.MilestoneCompleted(snap, m):
            msg = events.MilestoneCompleted(
                context=c, engagement=engagement(snap), milestone=milestone(m)
            )
        case _:
            raise TypeError(f"no wire form for {type(e).__name__}")
    return msg, snap.id
