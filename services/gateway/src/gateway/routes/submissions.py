"""Engagements: deliver, review, approve, rate, and the verifiable experience record."""

from __future__ import annotations

from gateway.routes.common import ANYONE, EMPLOYER, PAGING, STUDENT, own
from gateway.routing import Query, routes_for
from stint.submissions.v1 import submissions_service_pb2 as pb
from stint.submissions.v1.submissions_service_pb2_grpc import SubmissionsServiceStub

TAG = "engagements"
_route = routes_for("submissions", SubmissionsServiceStub, pb, TAG)


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
        prepare=own(student="student_id", employer="company_id", university="university_id"),
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
