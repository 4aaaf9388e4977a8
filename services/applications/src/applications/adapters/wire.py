"""The only place where Protobuf meets the domain: snapshots, events, requests, page tokens."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from applications.domain import commands
from applications.domain import events as ev
from applications.domain.model import Actor, Application
from applications.domain.posting import Money, PostingStatus, PostingView, Visibility
from stint.applications.v1 import application_pb2, events_pb2
from stint.applications.v1 import applications_service_pb2 as api
from stint.common.v1 import event_pb2, money_pb2
from stint.kit.errors import InvalidArgument
from stint.kit.ids import is_id
from stint.postings.v1 import posting_pb2

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
_APPROVED = posting_pb2.UniversityDecision.UNIVERSITY_DECISION_APPROVED


def _time(ts: Timestamp, present: bool = True) -> datetime | None:
    if not present:
        return None
    return ts.ToDatetime(tzinfo=UTC)


def _stamp(when: datetime | None) -> Timestamp | None:
    if when is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(when)
    return ts


def _enum_suffix(full_name: str, prefix: str) -> str:
    return full_name.removeprefix(prefix)


def posting_view(p: posting_pb2.Posting) -> PostingView:
    """The projection of one posting snapshot (no hires known yet: those are ours)."""
    status = _enum_suffix(posting_pb2.PostingStatus.Name(p.status), "POSTING_STATUS_")
    visibility = _enum_suffix(posting_pb2.Visibility.Name(p.visibility), "VISIBILITY_")
    return PostingView(
        id=p.id,
        company_id=p.company_id,
        title=p.title,
        status=PostingStatus(status),
        visibility=Visibility(visibility),
        approved_universities=frozenset(
            u.university_id for u in p.universities if u.decision == _APPROVED
        ),
        application_deadline=_time(p.application_deadline, p.HasField("application_deadline")),
        due_date=_time(p.due_date, p.HasField("due_date")),
        positions=p.positions,
        fee=Money(p.fee.amount_minor, p.fee.currency),
        acceptance_criteria=tuple(p.acceptance_criteria),
        ai_policy=p.ai_policy,
        category=p.category,
        skills=tuple(p.skills),
        estimated_hours=p.estimated_hours,
        source_version=p.version,
    )


def application_message(app: Application) -> application_pb2.Application:
    return application_pb2.Application(
        id=app.id,
        posting_id=app.posting_id,
        company_id=app.company_id,
        student_id=app.student_id,
        university_id=app.university_id,
        pitch=app.pitch,
        links=list(app.links),
        status=application_pb2.ApplicationStatus.Value(f"APPLICATION_STATUS_{app.status}"),
        decision_reason=app.decision_reason,
        created_at=_stamp(app.created_at),
        updated_at=_stamp(app.updated_at),
        decided_at=_stamp(app.decided_at),
        version=app.version,
    )


def engagement_terms(p: PostingView) -> events_pb2.EngagementTerms:
    return events_pb2.EngagementTerms(
        posting_id=p.id,
        posting_title=p.title,
        category=p.category,  # type: ignore[arg-type]
        skills=list(p.skills),
        estimated_hours=p.estimated_hours,
        fee=money_pb2.Money(amount_minor=p.fee.amount_minor, currency=p.fee.currency),
        due_date=_stamp(p.due_date),
        acceptance_criteria=list(p.acceptance_criteria),
        ai_policy=p.ai_policy,  # type: ignore[arg-type]
        company_id=p.company_id,
    )


def _context(actor: Actor) -> event_pb2.EventContext:
    return event_pb2.EventContext(
        actor=event_pb2.Actor(subject=actor.subject, role=actor.role, org=actor.org),
        correlation_id=actor.correlation_id,
        causation_id=actor.causation_id,
    )


_CHANGED: dict[ev.Kind, type[Message]] = {
    ev.Kind.SUBMITTED: events_pb2.ApplicationSubmitted,
    ev.Kind.SHORTLISTED: events_pb2.ApplicationShortlisted,
    ev.Kind.WITHDRAWN: events_pb2.ApplicationWithdrawn,
}


def event_message(event: ev.ApplicationChanged | ev.CandidateHired) -> Message:
    """The Protobuf event of a domain event (field 1: its EventContext)."""
    context = _context(event.actor)
    app = application_message(event.application)
    if isinstance(event, ev.CandidateHired):
        return events_pb2.CandidateHired(
            context=context,
            application=app,
            terms=engagement_terms(event.posting),
            hired_at=_stamp(event.hired_at),
        )
    if event.kind is ev.Kind.REJECTED:
        return events_pb2.ApplicationRejected(
            context=context,
            application=app,
            posting_title=event.posting_title,
            reason=event.reason,
            automatic=event.automatic,
        )
    return _CHANGED[event.kind](context=context, application=app, posting_title=event.posting_title)


def hired_at(event: events_pb2.CandidateHired) -> datetime | None:
    return _time(event.hired_at, event.HasField("hired_at"))


def submit_command(req: api.SubmitApplicationRequest) -> commands.SubmitApplication:
    return commands.SubmitApplication(req.posting_id, req.pitch, tuple(req.links))


def list_filter(req: api.ListApplicationsRequest) -> commands.ListFilter:
    """The filter of a list request; raises InvalidArgument for a bad page size or token."""
    size = req.page.page_size or DEFAULT_PAGE_SIZE
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidArgument.of("page.page_size", f"must be between 0 and {MAX_PAGE_SIZE}")
    status = ""
    if req.status:
        name = application_pb2.ApplicationStatus.Name(req.status)
        status = name.removeprefix("APPLICATION_STATUS_")
    return commands.ListFilter(
        posting_id=req.posting_id,
        student_id=req.student_id,
        university_id=req.university_id,
        status=status,
        page_size=size,
        after_id=decode_page_token(req.page.page_token),
    )


def encode_page_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode()


def decode_page_token(token: str) -> str:
    if not token:
        return ""
    try:
        raw = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    version, _, last_id = raw.partition(":")
    if version != "v1" or not is_id(last_id, "app"):
        raise InvalidArgument.of("page.page_token", "is not a token this service issued")
    return last_id
