"""The only module where Protobuf meets the domain: requests in, snapshots and events out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from stint.applications.v1 import events_pb2 as app_events
from stint.common.v1 import event_pb2, money_pb2, work_pb2
from stint.kit.envelope import Envelope, EventFactory
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2 as events
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain import feedback as fb
from submissions.domain import model as m
from submissions.domain.record import parse_iso


def _ts(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value.astimezone(UTC))
    return ts


def _dt(ts: Timestamp, present: bool) -> datetime | None:
    return ts.ToDatetime(tzinfo=UTC) if present else None


def _enum_suffix(name: str, prefix: str) -> str:
    return name.removeprefix(prefix)


def _known(enum: Any, value: int, prefix: str) -> str:
    """The value's name without its prefix; UNSPECIFIED for a value newer than this code
    (proto3 enums are open: a producer may know more values than we do)."""
    try:
        return _enum_suffix(enum.Name(value), prefix)
    except ValueError:
        return "UNSPECIFIED"


def hire(event: app_events.CandidateHired) -> cmd.Hire:
    terms, application = event.terms, event.application
    policy = _known(work_pb2.AiPolicy, terms.ai_policy, "AI_POLICY_")
    return cmd.Hire(
        application_id=application.id,
        posting_id=terms.posting_id or application.posting_id,
        company_id=terms.company_id or application.company_id,
        student_id=application.student_id,
        university_id=application.university_id,
        title=terms.posting_title,
        category=_known(work_pb2.Category, terms.category, "CATEGORY_"),
        skills=tuple(terms.skills),
        estimated_hours=terms.estimated_hours,
        fee=m.Money(terms.fee.amount_minor, terms.fee.currency),
        due_date=_dt(terms.due_date, terms.HasField("due_date")),
        acceptance_criteria=tuple(terms.acceptance_criteria),
        ai_policy=m.AiPolicy(policy),
        hired_at=_dt(event.hired_at, event.HasField("hired_at")),
    )


def correlation_id(event: app_events.CandidateHired) -> str:
    return event.context.correlation_id


def engagement(e: m.Engagement) -> pb.Engagement:
    """The snapshot; feedback only once revealed (double-blind)."""
    return pb.Engagement(
        id=e.id,
        application_id=e.application_id,
        posting_id=e.posting_id,
        company_id=e.company_id,
        student_id=e.student_id,
        university_id=e.university_id,
        title=e.title,
        category=work_pb2.Category.Value(f"CATEGORY_{e.category}"),
        skills=e.skills,
        estimated_hours=e.estimated_hours,
        fee=money_pb2.Money(amount_minor=e.fee.amount_minor, currency=e.fee.currency),
        due_date=_ts(e.due_date),
        acceptance_criteria=e.acceptance_criteria,
        ai_policy=work_pb2.AiPolicy.Value(f"AI_POLICY_{e.ai_policy.value}"),
        revision_limit=e.revision_limit,
        revisions_used=e.revisions_used,
        status=pb.EngagementStatus.Value(f"ENGAGEMENT_STATUS_{e.status.value}"),
        submissions=[_submission(s) for s in e.submissions],
        reviews=[_review(r) for r in e.reviews],
        feedback=[feedback(f) for f in fb.visible(e)],
        cancel_reason=e.cancel_reason,
        started_at=_ts(e.started_at),
        approved_at=_ts(e.approved_at),
        completed_at=_ts(e.completed_at),
        cancelled_at=_ts(e.cancelled_at),
        version=e.version,
    )


def _submission(s: m.Submission) -> pb.Submission:
    return pb.Submission(
        number=s.number,
        note=s.note,
        artifacts=[
            pb.Artifact(name=a.name, url=a.url, sha256=a.sha256, size_bytes=a.size_bytes)
            for a in s.artifacts
        ],
        ai_used=s.ai_used,
        ai_disclosure=s.ai_disclosure,
        submitted_at=_ts(s.submitted_at),
    )


def _review(r: m.Review) -> pb.Review:
    return pb.Review(
        submission_number=r.submission_number,
        decision=pb.ReviewDecision.Value(f"REVIEW_DECISION_{r.decision.value}"),
        feedback=r.feedback,
        criteria=[pb.CriterionResult(criterion=c.criterion, met=c.met) for c in r.criteria],
        reviewed_by=r.reviewed_by,
        reviewed_at=_ts(r.reviewed_at),
    )


def feedback(f: m.Feedback) -> pb.Feedback:
    return pb.Feedback(
        author=pb.Party.Value(f"PARTY_{f.author.value}"),
        rating=f.rating,
        comment=f.comment,
        endorsed_skills=f.endorsed_skills,
        given_at=_ts(f.given_at),
    )


def _context(ctx: cmd.Context) -> event_pb2.EventContext:
    actor = event_pb2.Actor(subject=ctx.actor.subject, role=ctx.actor.role, org=ctx.actor.org)
    return event_pb2.EventContext(
        actor=actor, correlation_id=ctx.correlation_id, causation_id=ctx.causation_id
    )


def event(e: ev.Event, ctx: cmd.Context) -> tuple[Message, str]:
    """The Protobuf event and its subject (the engagement id)."""
    c = _context(ctx)
    match e:
        case ev.EngagementStarted(snap):
            return events.EngagementStarted(context=c, engagement=engagement(snap)), snap.id
        case ev.WorkSubmitted(snap, n):
            msg: Message = events.WorkSubmitted(
                context=c, engagement=engagement(snap), submission_number=n
            )
            return msg, snap.id
        case ev.RevisionRequested(snap, n):
            msg = events.RevisionRequested(
                context=c, engagement=engagement(snap), submission_number=n
            )
            return msg, snap.id
        case ev.SubmissionApproved(snap, n, auto):
            msg = events.SubmissionApproved(
                context=c, engagement=engagement(snap), submission_number=n, auto_approved=auto
            )
            return msg, snap.id
        case ev.EngagementCompleted(snap):
            return events.EngagementCompleted(context=c, engagement=engagement(snap)), snap.id
        case ev.EngagementCancelled(snap, reason):
            msg = events.EngagementCancelled(context=c, engagement=engagement(snap), reason=reason)
            return msg, snap.id
        case ev.EngagementOverdue(snap):
            return events.EngagementOverdue(context=c, engagement=engagement(snap)), snap.id
        case ev.FeedbackRevealed(snap):
            return events.FeedbackRevealed(context=c, engagement=engagement(snap)), snap.id
        case ev.FeedbackGiven(eng_id, company, student, author):
            msg = events.FeedbackGiven(
                context=c,
                engagement_id=eng_id,
                company_id=company,
                student_id=student,
                author=pb.Party.Value(f"PARTY_{author.value}"),
            )
            return msg, eng_id
        case ev.ExperienceRecordIssued(eng_id, student, company, kid, issued_at):
            msg = events.ExperienceRecordIssued(
                context=c,
                engagement_id=eng_id,
                student_id=student,
                company_id=company,
                key_id=kid,
                issued_at=_ts(issued_at),
            )
            return msg, eng_id
    raise TypeError(f"no wire form for {type(e).__name__}")


def submit_work(r: api.SubmitWorkRequest) -> cmd.SubmitWork:
    artifacts = tuple(
        m.Artifact(a.name.strip(), a.url.strip(), a.sha256.strip().lower(), a.size_bytes)
        for a in r.artifacts
    )
    return cmd.SubmitWork(r.engagement_id, r.note, artifacts, r.ai_used, r.ai_disclosure)


def review_work(r: api.RequestRevisionRequest | api.ApproveSubmissionRequest) -> cmd.ReviewWork:
    criteria = tuple(m.CriterionResult(c.criterion, c.met) for c in r.criteria)
    return cmd.ReviewWork(r.engagement_id, r.submission_number, r.feedback, criteria)


def give_feedback(r: api.GiveFeedbackRequest) -> cmd.GiveFeedback:
    skills = tuple(s.strip() for s in r.endorsed_skills)
    return cmd.GiveFeedback(r.engagement_id, r.rating, r.comment, skills)


def list_query(r: api.ListEngagementsRequest) -> cmd.ListQuery:
    statuses = tuple(
        m.Status(_enum_suffix(pb.EngagementStatus.Name(s), "ENGAGEMENT_STATUS_"))
        for s in r.statuses
        if s != pb.ENGAGEMENT_STATUS_UNSPECIFIED and s in pb.EngagementStatus.values()
    )
    return cmd.ListQuery(
        r.student_id, r.company_id, r.university_id, statuses, r.page.page_size, r.page.page_token
    )


def record(claims: dict[str, Any]) -> api.ExperienceRecord:
    """The decoded payload; raises KeyError/ValueError/TypeError for a payload of another
    shape (reported as invalid_payload)."""
    rating = claims.get("employer_rating")
    return api.ExperienceRecord(
        engagement_id=str(claims["engagement_id"]),
        student_id=str(claims["student_id"]),
        company=str(claims["company"]),
        project_title=str(claims["project_title"]),
        category=work_pb2.Category.Value(f"CATEGORY_{claims['category']}"),
        started_at=_ts(parse_iso(str(claims["started_at"]))),
        completed_at=_ts(parse_iso(str(claims["completed_at"]))),
        estimated_hours=int(claims["estimated_hours"]),
        endorsed_skills=[str(s) for s in claims["endorsed_skills"]],
        employer_rating=int(rating) if rating else 0,
        artifacts=[
            api.ArtifactHash(name=str(a["name"]), sha256=str(a["sha256"]))
            for a in claims["artifacts"]
        ],
        issued_at=_ts(parse_iso(str(claims["issued_at"]))),
        issuer=str(claims["iss"]),
    )


def jwks(keys: dict[str, list[dict[str, str]]], as_json: str) -> api.GetJwksResponse:
    return api.GetJwksResponse(keys=[api.Jwk(**k) for k in keys["keys"]], json=as_json)


def envelopes_for(
    factory: EventFactory,
) -> Callable[[Sequence[ev.Event], cmd.Context], list[Envelope]]:
    """Bind an EventFactory: domain events → envelopes (used by the repository)."""

    def build(items: Sequence[ev.Event], ctx: cmd.Context) -> list[Envelope]:
        return [factory(*event(item, ctx)) for item in items]

    return build
