"""Disputes: either side of an engagement opens one, the other answers, an admin resolves it
(release in full, partial release and refund, full refund)."""

from __future__ import annotations

from gateway.routes.common import ANYONE, PAGING
from gateway.routes.submissions import SUBMISSIONS
from gateway.routing import Answer, Body, Query

TAG = "disputes"
SIDES = frozenset({"student", "employer"})
ADMIN = frozenset({"admin"})

ROUTES = [
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/dispute",
        "OpenDispute",
        "Open a dispute on an engagement whose work started (the employer or the intern): "
        "review, auto-approval and cancellation wait for an admin's decision",
        SIDES,
        tag=TAG,
        body=Body(),
        answer=Answer(status=201, field="dispute", location="/v1/disputes/{id}"),
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/engagements/{engagement_id}/dispute",
        "GetDispute",
        "The dispute of an engagement",
        ANYONE,
        tag=TAG,
        answer=Answer(field="dispute"),
        operation_id="getEngagementDispute",
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/disputes",
        "ListDisputes",
        "Disputes, newest first: the caller's own (students), the company's (employers), the "
        "university's students' (universities), any (admins)",
        ANYONE,
        tag=TAG,
        query=(
            *PAGING,
            Query("status", "statuses", "list", "DISPUTE_STATUS_AWAITING_DECISION,…"),
            Query("company_id", "company_id", "str", "one company's (admins)"),
            Query("student_id", "student_id", "str", "one student's (admins)"),
        ),
        answer=Answer(list_field="disputes"),
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/disputes/{dispute_id}",
        "GetDispute",
        "A dispute",
        ANYONE,
        tag=TAG,
        answer=Answer(field="dispute"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/disputes/{dispute_id}/answer",
        "AnswerDispute",
        "The other side answers an open dispute before its answer deadline",
        SIDES,
        tag=TAG,
        body=Body(),
        answer=Answer(field="dispute"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/disputes/{dispute_id}/resolve",
        "ResolveDispute",
        "Decide a dispute with a written decision (admins): the intern is paid `released`, "
        "the company refunded the rest; the engagement completes or is cancelled",
        ADMIN,
        tag=TAG,
        body=Body(),
    ),
]
