"""Companies (profiles and verification) and the admins' review of postings: the queue,
approvals, declines, flags and takedowns. The postings service owns both."""

from __future__ import annotations

from gateway.routes.common import ANYONE, EMPLOYER, PAGING
from gateway.routes.postings import POSTINGS
from gateway.routing import Answer, Body, Query

COMPANIES, REVIEW = "companies", "review"
ADMIN = frozenset({"admin"})
# Who may flag: whoever reads postings but neither owns nor moderates them.
FLAGGERS = frozenset({"student", "university", "employer"})

ROUTES = [
    POSTINGS.route(
        "GET",
        "/v1/companies/{company_id}",
        "GetCompany",
        "A company's public profile (its employers and admins also see the verification "
        "documents and note; the caller's own unsaved company is a default unverified profile)",
        ANYONE,
        tag=COMPANIES,
        answer=Answer(field="company"),
    ),
    POSTINGS.route(
        "PUT",
        "/v1/companies/{company_id}",
        "UpdateCompany",
        "Replace a company's profile (its employers, admins)",
        EMPLOYER,
        tag=COMPANIES,
        body=Body(),
        answer=Answer(field="company"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/companies/{company_id}/verification",
        "SetCompanyVerification",
        "Verify a company (domain, documents) or revoke its verification (admins)",
        ADMIN,
        tag=COMPANIES,
        body=Body(),
        answer=Answer(field="company"),
    ),
    POSTINGS.route(
        "GET",
        "/v1/admin/companies",
        "ListCompanies",
        "Companies, optionally by verification status (admins)",
        ADMIN,
        tag=COMPANIES,
        query=(
            *PAGING,
            Query("verification", "verification", "enum", "VERIFICATION_STATUS_UNVERIFIED, …"),
        ),
        answer=Answer(list_field="companies"),
    ),
    POSTINGS.route(
        "GET",
        "/v1/admin/review/postings",
        "ListReviewQueue",
        "Postings awaiting review and flagged open ones, oldest first (admins)",
        ADMIN,
        tag=REVIEW,
        query=PAGING,
        answer=Answer(list_field="postings"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/admin/review/postings/{posting_id}/approve",
        "ApprovePostingReview",
        "Approve a posting under review: a pending one opens, a flagged one stays open (admins)",
        ADMIN,
        tag=REVIEW,
        body=Body(),
        answer=Answer(field="posting"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/admin/review/postings/{posting_id}/decline",
        "DeclinePostingReview",
        "Decline a pending posting with a reason: it returns to draft (admins)",
        ADMIN,
        tag=REVIEW,
        body=Body(),
        answer=Answer(field="posting"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/postings/{posting_id}/flags",
        "FlagPosting",
        "Report an open posting to the admins (it stays open while they review it)",
        FLAGGERS,
        tag=REVIEW,
        body=Body(),
        answer=Answer(status=202),
    ),
    POSTINGS.route(
        "POST",
        "/v1/postings/{posting_id}/takedown",
        "TakeDownPosting",
        "Take an open or pending posting down; its applicants are answered (admins)",
        ADMIN,
        tag=REVIEW,
        body=Body(),
        answer=Answer(field="posting"),
    ),
]
