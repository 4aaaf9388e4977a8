"""Applications: students apply; employers shortlist, reject and hire."""

from __future__ import annotations

from gateway.routes.common import ANYONE, EMPLOYER, PAGING, STUDENT, own
from gateway.routing import Query, routes_for
from stint.applications.v1 import applications_service_pb2 as pb
from stint.applications.v1.applications_service_pb2_grpc import ApplicationsServiceStub

TAG = "applications"
_route = routes_for("applications", ApplicationsServiceStub, pb, TAG)
STATUS = Query("status", "statuses", "list", "APPLICATION_STATUS_SUBMITTED,…")
EMPLOYER_OR_UNIVERSITY = frozenset({"employer", "university", "admin"})


ROUTES = [
    _route(
        "POST",
        "/v1/postings/{posting_id}/applications",
        "SubmitApplication",
        "Apply to a posting",
        STUDENT,
        body=True,
        result="application",
        status=201,
        location="/v1/applications/{id}",
    ),
    _route(
        "GET",
        "/v1/postings/{posting_id}/applications",
        "ListApplications",
        "Applications to a posting",
        EMPLOYER_OR_UNIVERSITY,
        query=(*PAGING, STATUS),
        list_field="applications",
    ),
    _route(
        "GET",
        "/v1/applications/{application_id}",
        "GetApplication",
        "An application",
        ANYONE,
        result="application",
    ),
    _route(
        "POST",
        "/v1/applications/{application_id}/withdraw",
        "WithdrawApplication",
        "Withdraw before a decision",
        STUDENT,
        body=True,
        result="application",
    ),
    _route(
        "POST",
        "/v1/applications/{application_id}/shortlist",
        "ShortlistApplication",
        "Put on the shortlist",
        EMPLOYER,
        body=True,
        result="application",
    ),
    _route(
        "POST",
        "/v1/applications/{application_id}/reject",
        "RejectApplication",
        "Reject, with a reason",
        EMPLOYER,
        body=True,
        result="application",
    ),
    _route(
        "POST",
        "/v1/applications/{application_id}/hire",
        "HireCandidate",
        "Hire the candidate (use Idempotency-Key: a retry never hires twice)",
        EMPLOYER,
        body=True,
    ),
    _route(
        "GET",
        "/v1/me/applications",
        "ListApplications",
        "The caller's applications (students) or its students' (universities)",
        frozenset({"student", "university"}),
        query=(*PAGING, STATUS),
        list_field="applications",
        prepare=own(student="student_id", university="university_id"),
    ),
]
