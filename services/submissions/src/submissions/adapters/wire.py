"""The only module where Protobuf meets the domain: requests and consumed events in, snapshots,
records and envelopes out (the outgoing payloads are in `payloads.py`). The primitives —
timestamps, money, enums by prefix, event context, paging — are the kit's (`stint.kit.wire`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from stint.applications.v1 import events_pb2 as app_events
from stint.common.v1 import event_pb2, work_pb2
from stint.kit import wire
from stint.kit.actor import Cause
from stint.kit.envelope import Envelope, EventFactory
from stint.payouts.v1 import events_pb2 as payout_events
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters import dispute_wire, offer_wire, payloads, schedule_wire
from submissions.adapters.payloads import engagement, feedback
from submissions.domain import commands as cmd
from submissions.domain import events as ev
from submissions.domain import model as m
from submissions.domain.record import current, parse_iso
from submissions.domain.values import MilestonePlan

MAX_REVISION_LIMIT = 5  # the postings' bound on a posting's revision limit
MAX_MILESTONES = 10

__all__ = [
    "engagement",
    "envelopes_for",
    "feedback",
    "funding",
    "funding_cause",
    "give_feedback",
    "hire",
    "hire_cause",
    "jwks",
    "list_query",
    "record",
    "review_work",
    "submit_work",
]


def _known(enum: Any, value: int, prefix: str) -> str:
    """The value's name without its prefix; UNSPECIFIED for a value newer than this code
    (proto3 enums are open: a producer may know more values than we do)."""
    try:
        return wire.enum_name(enum, value, prefix)
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
        fee=wire.money_of(terms.fee),
        due_date=wire.optional_time(terms, "due_date"),
        acceptance_criteria=tuple(terms.acceptance_criteria),
        ai_policy=m.AiPolicy(policy),
        hired_at=wire.optional_time(event, "hired_at"),
        kill_fee_percent=min(max(terms.kill_fee_percent, 0), 100),
        student_name=application.student_name.strip()[:200],
        company_name=application.company_name.strip()[:200],
        revision_limit=min(max(terms.revision_limit, 0), MAX_REVISION_LIMIT),
        milestones=tuple(
            MilestonePlan(p.title.strip()[:120], max(p.due_offset_days, 0), p.deliverable[:500])
            for p in terms.milestones[:MAX_MILESTONES]
        ),
    )


def hire_cause(event: app_events.CandidateHired, event_id: str) -> Cause:
    """The platform acting on a hire: its correlation (the hire's own id when it has none),
    caused by the consumed event."""
    return _consumed_cause(event.context, event_id)


def funding(event: payout_events.FundingSecured) -> cmd.Funded:
    f = event.funding
    return cmd.Funded(f.engagement_id, f.id, wire.optional_time(f, "funded_at"))


def funding_cause(event: payout_events.FundingSecured, event_id: str) -> Cause:
    """The platform acting on secured funding, as on a hire (`hire_cause`)."""
    return _consumed_cause(event.context, event_id)


def _consumed_cause(context: event_pb2.EventContext, event_id: str) -> Cause:
    cause = wire.cause_from(context, event_id)
    return cause if cause.correlation_id else Cause.system(event_id, event_id)


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
    """Unknown or unspecified statuses filter nothing; the page follows the kit's one rule
    (InvalidArgument on page.page_size / page.page_token)."""
    statuses = tuple(
        m.Status(wire.enum_name(pb.EngagementStatus, s, "ENGAGEMENT_STATUS_"))
        for s in r.statuses
        if s != pb.ENGAGEMENT_STATUS_UNSPECIFIED and s in pb.EngagementStatus.values()
    )
    page = wire.paging(r.page)
    return cmd.ListQuery(r.student_id, r.company_id, r.university_id, statuses, page)


def record(claims: dict[str, Any]) -> api.ExperienceRecord:
    """The decoded payload, in either spelling (`record.current`); raises KeyError/ValueError/
    TypeError for a payload of another shape (reported as invalid_payload)."""
    claims = current(claims)
    category = wire.enum_number(work_pb2.Category, str(claims["category"]), "")
    return api.ExperienceRecord(
        engagement_id=str(claims["engagement_id"]),
        student_id=str(claims["student_id"]),
        company=str(claims["company_id"]),
        company_id=str(claims["company_id"]),
        project_title=str(claims["project_title"]),
        category=work_pb2.Category.ValueType(category),
        started_at=wire.timestamp(parse_iso(str(claims["started_at"]))),
        completed_at=wire.timestamp(parse_iso(str(claims["completed_at"]))),
        estimated_hours=int(claims["estimated_hours"]),
        endorsed_skills=[str(s) for s in claims["endorsed_skills"]],
        employer_rating=int(claims.get("employer_rating") or 0),
        artifacts=[
            api.ArtifactHash(name=str(a["name"]), sha256=str(a["sha256"]))
            for a in claims["artifacts"]
        ],
        issued_at=wire.timestamp(parse_iso(str(claims["issued_at"]))),
        issuer=str(claims["iss"]),
        student_name=str(claims["student_name"]),
        company_name=str(claims["company_name"]),
        delivered_late=bool(claims["delivered_late"]),
    )


def jwks(keys: dict[str, list[dict[str, str]]]) -> api.GetJwksResponse:
    """The keys, and the same JWKS as a JSON document (sorted keys, no spaces)."""
    as_json = json.dumps(keys, sort_keys=True, separators=(",", ":"))
    return api.GetJwksResponse(keys=[api.Jwk(**k) for k in keys["keys"]], json=as_json)


def envelopes_for(factory: EventFactory) -> Callable[[Sequence[ev.Event], Cause], list[Envelope]]:
    """Bind an EventFactory: domain events → envelopes (used by the repository)."""

    def build(items: Sequence[ev.Event], cause: Cause) -> list[Envelope]:
        return [factory(*_payload(item, cause)) for item in items]

    return build


def _payload(item: ev.Event, cause: Cause) -> tuple[Any, str]:
    if isinstance(item, dispute_wire.EVENTS):
        return dispute_wire.event(item, cause)
    if isinstance(item, offer_wire.EVENTS):
        return offer_wire.event(item, cause)
    if isinstance(item, schedule_wire.EVENTS):
        return schedule_wire.event(item, cause)
    return payloads.event(item, cause)
