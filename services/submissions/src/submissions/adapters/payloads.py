"""What the service sends out as Protobuf: the engagement snapshot (in responses and events)
and the events of `stint.submissions.v1`. `wire.py` is the boundary the rest of the service
calls; this module holds its outgoing payloads."""

from __future__ import annotations

from google.protobuf.message import Message

from stint.common.v1 import work_pb2
from stint.kit.actor import Cause
from stint.kit.wire import enum_number, event_context, money_message, timestamp
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2 as events
from submissions.adapters.schedule_messages import artifact, extension, milestone
from submissions.domain import events as ev
from submissions.domain import feedback as fb
from submissions.domain import model as m


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
        category=work_pb2.Category.ValueType(
            enum_number(work_pb2.Category, e.category, "CATEGORY_")
        ),
        skills=e.skills,
        estimated_hours=e.estimated_hours,
        fee=money_message(e.fee),
        due_date=timestamp(e.due_date),
        acceptance_criteria=e.acceptance_criteria,
        ai_policy=work_pb2.AiPolicy.ValueType(
            enum_number(work_pb2.AiPolicy, e.ai_policy.value, "AI_POLICY_")
        ),
        revision_limit=e.revision_limit,
        revisions_used=e.revisions_used,
        status=pb.EngagementStatus.ValueType(
            enum_number(pb.EngagementStatus, e.status.value, "ENGAGEMENT_STATUS_")
        ),
        submissions=[_submission(s) for s in e.submissions],
        reviews=[_review(r) for r in e.reviews],
        feedback=[feedback(f) for f in fb.visible(e)],
        cancel_reason=e.cancel_reason,
        cancelled_by=_party(e.cancelled_by) if e.cancelled_by else pb.PARTY_UNSPECIFIED,
        started_at=timestamp(e.started_at),
        approved_at=timestamp(e.approved_at),
        completed_at=timestamp(e.completed_at),
        cancelled_at=timestamp(e.cancelled_at),
        version=e.version,
        funding_due_at=timestamp(e.funding_due_at),
        kill_fee_percent=e.kill_fee_percent,
        kill_fee=money_message(e.kill_fee) if e.kill_fee else None,
        student_name=e.student_name,
        company_name=e.company_name,
        overdue=e.overdue,
        overdue_at=timestamp(e.overdue_at),
        extensions=[extension(x) for x in e.extensions],
        milestones=[milestone(m) for m in e.milestones],
        delivered_late=bool(e.submissions and e.submissions[0].late),
    )


def _submission(s: m.Submission) -> pb.Submission:
    return pb.Submission(
        number=s.number,
        note=s.note,
        artifacts=[artifact(a) for a in s.artifacts],
        ai_used=s.ai_used,
        ai_disclosure=s.ai_disclosure,
        submitted_at=timestamp(s.submitted_at),
        late=s.late,
    )


def _review(r: m.Review) -> pb.Review:
    return pb.Review(
        submission_number=r.submission_number,
        decision=pb.ReviewDecision.ValueType(
            enum_number(pb.ReviewDecision, r.decision.value, "REVIEW_DECISION_")
        ),
        feedback=r.feedback,
        criteria=[pb.CriterionResult(criterion=c.criterion, met=c.met) for c in r.criteria],
        reviewed_by=r.reviewed_by,
        reviewed_at=timestamp(r.reviewed_at),
    )


def feedback(f: m.Feedback) -> pb.Feedback:
    return pb.Feedback(
        author=_party(f.author),
        rating=f.rating,
        comment=f.comment,
        endorsed_skills=f.endorsed_skills,
        given_at=timestamp(f.given_at),
    )


def _party(party: m.Party) -> pb.Party.ValueType:
    return pb.Party.ValueType(enum_number(pb.Party, party.value, "PARTY_"))


def event(e: ev.Event, cause: Cause) -> tuple[Message, str]:
    """The Protobuf event and its subject (the engagement id)."""
    c = event_context(cause)
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
        case ev.EngagementCancelled(snap, reason, kill_fee):
            msg = events.EngagementCancelled(
                context=c,
                engagement=engagement(snap),
                reason=reason,
                kill_fee=money_message(kill_fee) if kill_fee else None,
            )
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
                author=_party(author),
            )
            return msg, eng_id
        case ev.ExperienceRecordIssued(eng_id, student, company, kid, issued_at):
            msg = events.ExperienceRecordIssued(
                context=c,
                engagement_id=eng_id,
                student_id=student,
                company_id=company,
                key_id=kid,
                issued_at=timestamp(issued_at),
            )
            return msg, eng_id
    raise TypeError(f"no wire form for {type(e).__name__}")
