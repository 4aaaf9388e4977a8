"""The only place where Protobuf meets the domain: snapshots, events, requests, envelopes.

The primitives (timestamps, money, enums by prefix, event context, paging) are the kit's
(`stint.kit.wire`); this module maps the applications context's own messages with them.
"""

from __future__ import annotations

from google.protobuf.message import Message

from applications.domain import commands
from applications.domain import events as ev
from applications.domain.model import Application
from applications.domain.posting import MilestonePlan, PostingStatus, PostingView, Visibility
from stint.applications.v1 import application_pb2, events_pb2
from stint.applications.v1 import applications_service_pb2 as api
from stint.common.v1 import work_pb2
from stint.kit import wire
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import InvalidArgument
from stint.kit.ids import is_id
from stint.postings.v1 import posting_pb2

_APPROVED = posting_pb2.UniversityDecision.UNIVERSITY_DECISION_APPROVED
_STATUS_PREFIX = "APPLICATION_STATUS_"


def posting_view(p: posting_pb2.Posting, decisions_over: bool = False) -> PostingView:
    """The projection of one posting snapshot (no hires known yet: those are ours);
    `decisions_over` when the event was PostingDecisionDeadlinePassed."""
    return PostingView(
        id=p.id,
        company_id=p.company_id,
        title=p.title,
        status=PostingStatus(
            wire.enum_name(posting_pb2.PostingStatus, p.status, "POSTING_STATUS_")
        ),
        visibility=Visibility(wire.enum_name(posting_pb2.Visibility, p.visibility, "VISIBILITY_")),
        approved_universities=frozenset(
            u.university_id for u in p.universities if u.decision == _APPROVED
        ),
        application_deadline=wire.optional_time(p, "application_deadline"),
        due_date=wire.optional_time(p, "due_date"),
        positions=p.positions,
        fee=wire.money_of(p.fee),
        acceptance_criteria=tuple(p.acceptance_criteria),
        ai_policy=p.ai_policy,
        category=p.category,
        skills=tuple(p.skills),
        estimated_hours=p.estimated_hours,
        kill_fee_percent=p.kill_fee_percent,
        company_name=p.company_name,
        source_version=p.version,
        decision_deadline=wire.optional_time(p, "decision_deadline"),
        decisions_over=decisions_over,
        revision_limit=p.revision_limit,
        milestones=tuple(
            MilestonePlan(m.title, m.due_offset_days, m.deliverable) for m in p.milestones
        ),
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
        status=wire.enum_number(application_pb2.ApplicationStatus, app.status, _STATUS_PREFIX),  # type: ignore[arg-type]
        decision_reason=app.decision_reason,
        created_at=wire.timestamp(app.created_at),
        updated_at=wire.timestamp(app.updated_at),
        decided_at=wire.timestamp(app.decided_at),
        version=app.version,
        student_name=app.student_name,
        company_name=app.company_name,
    )


def engagement_terms(p: PostingView) -> events_pb2.EngagementTerms:
    return events_pb2.EngagementTerms(
        posting_id=p.id,
        posting_title=p.title,
        category=p.category,  # type: ignore[arg-type]
        skills=list(p.skills),
        estimated_hours=p.estimated_hours,
        fee=wire.money_message(p.fee),
        due_date=wire.timestamp(p.due_date),
        acceptance_criteria=list(p.acceptance_criteria),
        ai_policy=p.ai_policy,  # type: ignore[arg-type]
        company_id=p.company_id,
        kill_fee_percent=p.kill_fee_percent,
        revision_limit=p.revision_limit,
        milestones=[
            work_pb2.MilestonePlan(
                title=m.title, due_offset_days=m.due_offset_days, deliverable=m.deliverable
            )
            for m in p.milestones
        ],
    )


_CHANGED: dict[ev.Kind, type[Message]] = {
    ev.Kind.SUBMITTED: events_pb2.ApplicationSubmitted,
    ev.Kind.SHORTLISTED: events_pb2.ApplicationShortlisted,
    ev.Kind.WITHDRAWN: events_pb2.ApplicationWithdrawn,
}


def event_message(event: ev.Event) -> Message:
    """The Protobuf event of a domain event (field 1: its EventContext)."""
    context = wire.event_context(event.cause)
    app = application_message(event.application)
    if isinstance(event, ev.CandidateHired):
        return events_pb2.CandidateHired(
            context=context,
            application=app,
            terms=engagement_terms(event.posting),
            hired_at=wire.timestamp(event.hired_at),
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


def envelope(events: EventFactory, event: ev.Event) -> Envelope:
    """The envelope of a domain event; subject and key are always the application id (also
    for CandidateHired, committed with the posting projection)."""
    return events(event_message(event), subject=event.application.id)


def submit_command(req: api.SubmitApplicationRequest) -> commands.SubmitApplication:
    return commands.SubmitApplication(req.posting_id, req.pitch, tuple(req.links))


def list_filter(req: api.ListApplicationsRequest) -> commands.ListFilter:
    """The filter of a list request; raises InvalidArgument for a bad page size or token."""
    page = wire.paging(req.page)
    if page.after and not is_id(page.after, "app"):
        raise InvalidArgument.of("page.page_token", "is not a token from this list")
    status = ""
    if req.status:
        status = wire.enum_name(application_pb2.ApplicationStatus, req.status, _STATUS_PREFIX)
    return commands.ListFilter(
        posting_id=req.posting_id,
        student_id=req.student_id,
        university_id=req.university_id,
        status=status,
        page=page,
    )
