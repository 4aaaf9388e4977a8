"""Engagements: deliver, review, approve, rate, and the verifiable experience record."""

from __future__ import annotations

from gateway.routes.common import ANYONE, EMPLOYER, PAGING, STUDENT, own
from gateway.routing import Answer, Backend, Body, Query
from stint.submissions.v1 import submissions_service_pb2 as pb
from stint.submissions.v1.submissions_service_pb2_grpc import SubmissionsServiceStub

TAG = "engagements"
SUBMISSIONS = Backend("submissions", SubmissionsServiceStub, pb, TAG)


ROUTES = [
    SUBMISSIONS.route(
        "GET",
        "/v1/engagements/{engagement_id}",
        "GetEngagement",
        "An engagement",
        ANYONE,
        answer=Answer(field="engagement"),
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/me/engagements",
        "ListEngagements",
        "The caller's engagements",
        ANYONE,
        query=(*PAGING, Query("status", "statuses", "list", "ENGAGEMENT_STATUS_ACTIVE,…")),
        prepare=own(student="student_id", employer="company_id", university="university_id"),
        answer=Answer(list_field="engagements"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/submissions",
        "SubmitWork",
        "Deliver the work (or a revision)",
        STUDENT,
        body=Body(),
        answer=Answer(status=201),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/request-revision",
        "RequestRevision",
        "Ask for changes",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="engagement"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/approve",
        "ApproveSubmission",
        "Accept the work: the intern gets paid",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="engagement"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/cancel",
        "CancelEngagement",
        "Cancel the engagement: the employer before any work was submitted, an admin until "
        "approval; the company is refunded",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="engagement"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/withdraw",
        "WithdrawFromEngagement",
        "The intern withdraws before submitting any work; the company is refunded in full",
        STUDENT,
        body=Body(),
        answer=Answer(field="engagement"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/feedback",
        "GiveFeedback",
        "Rate the other side (double-blind)",
        frozenset({"student", "employer"}),
        body=Body(),
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/engagements/{engagement_id}/experience-record",
        "GetExperienceRecord",
        "The signed experience record of a completed engagement",
        ANYONE,
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/experience-records/verify",
        "VerifyExperienceRecord",
        "Check a record's signature (public)",
        None,
        body=Body(),
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/.well-known/jwks.json",
        "GetJwks",
        "Public keys that sign experience records (public)",
        None,
    ),
]
