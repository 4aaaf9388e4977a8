"""Engagements: deliver, review, approve, rate, and the verifiable experience record."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams

from gateway.auth import Principal
from gateway.routes.common import ANYONE, EMPLOYER, PAGING, STUDENT
from gateway.routing import Query, Route
from stint.submissions.v1 import submissions_service_pb2 as pb
from stint.submissions.v1.submissions_service_pb2_grpc import SubmissionsServiceStub

TAG = "engagements"


def _route(
    method: str, path: str, rpc: str, summary: str, roles: frozenset[str] | None, **kw: Any
) -> Route:
    request = getattr(pb, f"{rpc}Request")
    response = getattr(pb, f"{rpc}Response")
    return Route(
        method,
        path,
        "submissions",
        SubmissionsServiceStub,
        rpc,
        request,
        response,
        summary,
        TAG,
        roles,
        **kw,
    )


def _mine(p: Principal | None, message: Any, _: dict[str, Any], __: QueryParams) -> None:
    if p is None:
        return
    if p.role == "student":
        message.student_id = p.subject
    elif p.role == "employer":
        message.company_id = p.org
    elif p.role == "university":
        message.university_id = p.org


ROUTES = [
    _route(
        "GET",
        "/v1/engagements/{engagement_id}",
        "GetEngagement",
        "An engagement",
        ANYONE,
        result="engagement",
    ),
    _route(
        "GET",
        "/v1/me/engagements",
        "ListEngagements",
        "The caller's engagements",
        ANYONE,
        query=(*PAGING, Query("status", "statuses", "list", "ENGAGEMENT_STATUS_ACTIVE,…")),
        list_field="engagements",
        prepare=_mine,
    ),
    _route(
        "POST",
        "/v1/engagements/{engagement_id}/submissions",
        "SubmitWork",
        "Deliver the work (or a revision)",
        STUDENT,
        body=True,
        status=201,
    ),
    _route(
        "POST",
        "/v1/engagements/{engagement_id}/request-revision",
        "RequestRevision",
        "Ask for changes",
        EMPLOYER,
        body=True,
        result="engagement",
    ),
    _route(
        "POST",
        "/v1/engagements/{engagement_id}/approve",
        "ApproveSubmission",
        "Accept the work: the intern gets paid",
        EMPLOYER,
        body=True,
        result="engagement",
    ),
    _route(
        "POST",
        "/v1/engagements/{engagement_id}/cancel",
        "CancelEngagement",
        "Cancel the engagement",
        EMPLOYER,
        body=True,
        result="engagement",
    ),
    _route(
        "POST",
        "/v1/engagements/{engagement_id}/feedback",
        "GiveFeedback",
        "Rate the other side (double-blind)",
        frozenset({"student", "employer"}),
        body=True,
    ),
    _route(
        "GET",
        "/v1/engagements/{engagement_id}/experience-record",
        "GetExperienceRecord",
        "The signed experience record of a completed engagement",
        ANYONE,
    ),
    _route(
        "POST",
        "/v1/experience-records/verify",
        "VerifyExperienceRecord",
        "Check a record's signature (public)",
        None,
        body=True,
    ),
    _route(
        "GET",
        "/v1/.well-known/jwks.json",
        "GetJwks",
        "Public keys that sign experience records (public)",
        None,
    ),
]
