"""The only place Protobuf meets the domain: gRPC messages, the event this service emits and
what the inbox reads from the events it consumes (the catalogue reads the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf.message import Message as ProtoMessage

from notifications.adapters.catalogue import tenants_of
from notifications.adapters.schemas import Entry
from notifications.domain.events import EndpointDisabled
from notifications.domain.inbox import COMPANY, STUDENT, Channel, InboxEvent, Notification
from notifications.domain.model import Attempt, Endpoint, Message, Status
from notifications.domain.rejections import rejection_reason
from stint.applications.v1 import conversation_pb2
from stint.applications.v1 import events_pb2 as applications_events
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.wire import event_context, timestamp
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.events_pb2 import WebhookEndpointDisabled
from stint.payouts.v1 import events_pb2 as payouts_events
from stint.postings.v1 import saved_search_pb2 as postings_saved_search
from stint.submissions.v1 import engagement_pb2
from stint.submissions.v1 import events_pb2 as submissions_events

_STATUS = {
    Status.PENDING: pb.MESSAGE_STATUS_PENDING,
    Status.SUCCEEDED: pb.MESSAGE_STATUS_SUCCEEDED,
    Status.FAILED: pb.MESSAGE_STATUS_FAILED,
}
STATUS_FROM_PB = {v: k for k, v in _STATUS.items()}
CHANNEL_TO_PB = {
    Channel.IN_APP: pb.CHANNEL_IN_APP,
    Channel.EMAIL: pb.CHANNEL_EMAIL,
    Channel.OFF: pb.CHANNEL_OFF,
}
CHANNEL_FROM_PB = {v: k for k, v in CHANNEL_TO_PB.items()}
# Where each snapshot keeps the project's title (first match wins).
_TITLE_PATHS = (
    ("posting_title",),
    ("posting", "title"),
    ("company", "display_name"),
    ("engagement", "title"),
    ("dispute", "title"),
    ("invitation", "posting_title"),
    ("conversation", "posting_title"),
    ("offer", "role_title"),
    ("payout", "posting_title"),
    ("funding", "posting_title"),
    ("invoice", "posting_title"),
    ("terms", "posting_title"),
    ("url",),
)


# --- webhooks -----------------------------------------------------------------------------


def endpoint(e: Endpoint) -> pb.WebhookEndpoint:
    return pb.WebhookEndpoint(
        id=e.id,
        owner_kind=e.owner.kind,
        owner_id=e.owner.id,
        url=e.url,
        description=e.description,
        event_types=list(e.event_types),
        enabled=e.enabled,
        disabled_reason=e.disabled_reason,
        failing_since=timestamp(e.failing_since),
        created_at=timestamp(e.created_at),
        updated_at=timestamp(e.updated_at),
    )


def message(m: Message) -> pb.WebhookMessage:
    return pb.WebhookMessage(
        id=m.id,
        endpoint_id=m.endpoint_id,
        event_type=m.event_type,
        event_id=m.event_id,
        status=_STATUS[m.status],
        attempts=m.attempts,
        next_attempt_at=timestamp(m.next_attempt_at),
        created_at=timestamp(m.created_at),
        payload=m.payload,
    )


def attempt(a: Attempt) -> pb.DeliveryAttempt:
    return pb.DeliveryAttempt(
        id=a.id,
        message_id=a.message_id,
        endpoint_id=a.endpoint_id,
        attempted_at=timestamp(a.attempted_at),
        status_code=a.status_code,
        latency_ms=a.latency_ms,
        response=a.response,
        error=a.error,
        succeeded=a.succeeded,
        next_attempt_at=timestamp(a.next_attempt_at),
    )


def event_type(entry: Entry) -> pb.EventType:
    """A catalogue entry; the schema and the example as JSON objects (Struct)."""
    out = pb.EventType(name=entry.name, proto_message=entry.proto_message, topic=entry.topic)
    out.example = entry.example_text  # deprecated, still served: the example as JSON text
    out.schema.update(entry.schema)
    out.example_body.update(entry.example)
    return out


# --- the event this service emits ---------------------------------------------------------


def disabled_event(event: EndpointDisabled, cause: Cause) -> WebhookEndpointDisabled:
    e = event.endpoint
    return WebhookEndpointDisabled(
        context=event_context(cause),
        endpoint_id=e.id,
        owner_kind=e.owner.kind,
        owner_id=e.owner.id,
        url=e.url,
        reason=event.reason,
        disabled_at=timestamp(event.at),
    )


def envelopes(
    factory: EventFactory, events: Sequence[EndpointDisabled], cause: Cause
) -> list[Envelope]:
    """The domain events as envelopes (subject and key: the endpoint id)."""
    return [factory(disabled_event(ev, cause), ev.endpoint.id) for ev in events]


# --- the inbox ----------------------------------------------------------------------------


def inbox_event(kind: str, message: ProtoMessage, envelope: Envelope) -> InboxEvent:
    """What the inbox needs from a consumed event: the people in its snapshots, a title."""
    tenants = tenants_of(message)
    return InboxEvent(
        kind=kind,
        event_id=envelope.id,
        subject_id=_subject(message, envelope),
        title=_title(message),
        time=envelope.time,
        student_id=min(tenants.students, default=""),
        company_id=min(tenants.companies, default=""),
        university_ids=tenants.universities,
        acted=_acted(message),
        **_finality(message),
    )


def _subject(message: ProtoMessage, envelope: Envelope) -> str:
    """What the notice is about: the record's subject, except for a saved-search alert, which
    is about the posting that matched (the one to open)."""
    if isinstance(message, postings_saved_search.SavedSearchMatched) and message.posting.id:
        return message.posting.id
    return envelope.subject


_ANSWERS = (submissions_events.ExtensionGranted, submissions_events.ExtensionDeclined)


def _acted(message: ProtoMessage) -> str:
    """The side whose own act the event is: the opener of DisputeOpened, the answerer of
    DisputeAnswered, the requester of ExtensionRequested and ExtensionWithdrawn, the side that
    did not ask of an answer, the intern of MilestoneCompleted, the author of MessageCreated
    ("" for everything else, and for an admin's message: everyone concerned is told)."""
    if isinstance(message, applications_events.MessageCreated):
        authors = {
            conversation_pb2.AUTHOR_ROLE_STUDENT: STUDENT,
            conversation_pb2.AUTHOR_ROLE_EMPLOYER: COMPANY,
        }
        return authors.get(message.message.author_role, "")
    sides = {engagement_pb2.PARTY_STUDENT: STUDENT, engagement_pb2.PARTY_EMPLOYER: COMPANY}
    if isinstance(message, submissions_events.DisputeOpened):
        party = message.dispute.opened_by
    elif isinstance(message, submissions_events.DisputeAnswered):
        party = message.dispute.answer.party
    elif isinstance(
        message, (submissions_events.ExtensionRequested, submissions_events.ExtensionWithdrawn)
    ):
        party = message.extension.requested_by
    elif isinstance(message, _ANSWERS):
        asked = sides.get(message.extension.requested_by, "")
        return {STUDENT: COMPANY, COMPANY: STUDENT}.get(asked, "")
    elif isinstance(message, submissions_events.MilestoneCompleted):
        return STUDENT
    else:
        return ""
    return sides.get(party, "")


def _finality(message: ProtoMessage) -> dict[str, Any]:
    """A payout failure that will not be retried is final; its reason is the provider's
    message (or code): what the student has to fix. A rejection's reason is the employer's,
    or what the automatic answer's code means."""
    if isinstance(message, applications_events.ApplicationRejected):
        reason = rejection_reason(message.reason, message.automatic)
        return {"reason": reason} if reason else {}
    if not isinstance(message, payouts_events.PayoutFailed) or message.payout.retryable:
        return {}
    payout = message.payout
    return {"final": True, "reason": payout.failure_message or payout.failure_code or "refused"}


def _title(message: ProtoMessage) -> str:
    for path in _TITLE_PATHS:
        value: Any = message
        for name in path:
            if name not in value.DESCRIPTOR.fields_by_name:
                break
            value = getattr(value, name)
        else:
            if isinstance(value, str) and value:
                return value
    return ""


def notification(n: Notification) -> pb.Notification:
    return pb.Notification(
        id=n.id,
        kind=n.kind,
        title=n.title,
        body=n.body,
        subject_id=n.subject_id,
        created_at=timestamp(n.created_at),
        read_at=timestamp(n.read_at),
    )


def preferences(channels: dict[str, Channel]) -> list[pb.Preference]:
    return [pb.Preference(kind=k, channel=CHANNEL_TO_PB[c]) for k, c in channels.items()]
