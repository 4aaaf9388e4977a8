"""Offers: after a completed engagement the employer offers the intern an internship or a job;
the intern accepts or declines it, the employer may withdraw it while open."""

from __future__ import annotations

from gateway.routes.common import ANYONE, PAGING
from gateway.routes.submissions import SUBMISSIONS
from gateway.routing import Answer, Body, Query

TAG = "offers"
EMPLOYERS = frozenset({"employer"})
STUDENTS = frozenset({"student"})

ROUTES = [
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/offer",
        "MakeOffer",
        "Offer the intern of a completed engagement an internship, a part-time or a full-time "
        "job (the company's employers; one per engagement, a new one after a decline or a "
        "withdrawal)",
        EMPLOYERS,
        tag=TAG,
        body=Body(),
        answer=Answer(status=201, field="offer", location="/v1/offers/{id}"),
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/engagements/{engagement_id}/offer",
        "GetOffer",
        "The offer of an engagement",
        ANYONE,
        tag=TAG,
        answer=Answer(field="offer"),
        operation_id="getEngagementOffer",
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/offers",
        "ListOffers",
        "Offers, newest first: the caller's own (students), the company's (employers), the "
        "university's students' (universities), any (admins)",
        ANYONE,
        tag=TAG,
        query=(
            *PAGING,
            Query("status", "statuses", "list", "OFFER_STATUS_OPEN,…"),
            Query("company_id", "company_id", "str", "one company's (admins)"),
            Query("student_id", "student_id", "str", "one student's (admins)"),
            Query("university_id", "university_id", "str", "one university's students' (admins)"),
        ),
        answer=Answer(list_field="offers"),
    ),
    SUBMISSIONS.route(
        "GET",
        "/v1/offers/{offer_id}",
        "GetOffer",
        "An offer",
        ANYONE,
        tag=TAG,
        answer=Answer(field="offer"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/offers/{offer_id}/accept",
        "AcceptOffer",
        "The intern accepts an open offer",
        STUDENTS,
        tag=TAG,
        body=Body(),
        answer=Answer(field="offer"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/offers/{offer_id}/decline",
        "DeclineOffer",
        "The intern declines an open offer, optionally saying why",
        STUDENTS,
        tag=TAG,
        body=Body(),
        answer=Answer(field="offer"),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/offers/{offer_id}/withdraw",
        "WithdrawOffer",
        "The company's employers withdraw an open offer",
        EMPLOYERS,
        tag=TAG,
        body=Body(),
        answer=Answer(field="offer"),
    ),
]
