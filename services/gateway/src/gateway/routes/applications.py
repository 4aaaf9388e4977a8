"""Applications: students apply; employers shortlist, reject and hire."""

from __future__ import annotations

from gateway.routes.common import ANYONE, EMPLOYER, PAGING, STUDENT, own
from gateway.routing import Answer, Backend, Body, Query
from stint.applications.v1 import applications_service_pb2 as pb
from stint.applications.v1.applications_service_pb2_grpc import ApplicationsServiceStub

TAG = "applications"
APPLICATIONS = Backend("applications", ApplicationsServiceStub, pb, TAG)
STATUS = Query("status", "status", "enum", "APPLICATION_STATUS_SUBMITTED")
EMPLOYER_OR_UNIVERSITY = frozenset({"employer", "university", "admin"})


ROUTES = [
    APPLICATIONS.route(
        "POST",
        "/v1/postings/{posting_id}/applications",
        "SubmitApplication",
        "Apply to a posting",
        STUDENT,
        body=Body(),
        answer=Answer(status=201, field="application", location="/v1/applications/{id}"),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/postings/{posting_id}/applications",
        "ListApplications",
        "Applications to a posting",
        EMPLOYER_OR_UNIVERSITY,
        query=(*PAGING, STATUS),
        answer=Answer(list_field="applications"),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/applications/{application_id}",
        "GetApplication",
        "An application",
        ANYONE,
        answer=Answer(field="application"),
    ),
    APPLICATIONS.route(
        "POST",
        "/v1/applications/{application_id}/withdraw",
        "WithdrawApplication",
        "Withdraw before a decision",
        STUDENT,
        body=Body(),
        answer=Answer(field="application"),
    ),
    APPLICATIONS.route(
        "POST",
        "/v1/applications/{application_id}/shortlist",
        "ShortlistApplication",
        "Put on the shortlist",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="application"),
    ),
    APPLICATIONS.route(
        "POST",
        "/v1/applications/{application_id}/reject",
        "RejectApplication",
        "Reject, with a reason",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="application"),
    ),
    APPLICATIONS.route(
        "POST",
        "/v1/applications/{application_id}/hire",
        "HireCandidate",
        "Hire the candidate (use Idempotency-Key: a retry never hires twice)",
        EMPLOYER,
        body=Body(),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/me/applications",
        "ListApplications",
        "The caller's applications (students) or its students' (universities)",
        frozenset({"student", "university"}),
        query=(*PAGING, STATUS),
        prepare=own(student="student_id", university="university_id"),
        answer=Answer(list_field="applications"),
    ),
]
