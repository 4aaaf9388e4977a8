"""/v1/postings: employers publish projects; students find them; universities approve them."""

from __future__ import annotations

import re

from gateway.problems import invalid_field
from gateway.routes.common import ANYONE, EMPLOYER, PAGING, UNIVERSITY
from gateway.routing import Answer, Backend, Body, Prepared, Query
from stint.postings.v1 import postings_service_pb2 as pb
from stint.postings.v1.postings_service_pb2_grpc import PostingsServiceStub

TAG = "postings"
POSTINGS = Backend("postings", PostingsServiceStub, pb, TAG)


_CURRENCY = re.compile("[A-Z]{3}")


def _list_filters(r: Prepared) -> None:
    currency = r.query.get("currency", "")
    if "currency" in r.query and not _CURRENCY.fullmatch(currency):
        raise invalid_field(
            "currency",
            "must be 3 capital letters",
            "currency: must be an ISO 4217 code (3 capital letters)",
        )
    for side in ("fee_min", "fee_max"):
        if r.message.HasField(side):
            if not currency:
                raise invalid_field("currency", f"required with {side}", f"{side} needs currency")
            getattr(r.message, side).currency = currency


def _update_mask(r: Prepared) -> None:
    # PATCH semantics: the fields present in the body are the ones to change.
    r.message.update_mask.paths.extend(k for k in r.body if k != "expected_version")


def _deciding_university(r: Prepared) -> None:
    # A career office decides for its own university; an admin names one in the body.
    if r.principal is not None and r.principal.role == "university":
        r.message.university_id = r.principal.org


ROUTES = [
    POSTINGS.route(
        "POST",
        "/v1/postings",
        "CreatePosting",
        "Create a draft posting",
        EMPLOYER,
        body=Body("posting"),
        query=(Query("company_id", "company_id", "str", "admin only"),),
        answer=Answer(status=201, field="posting", location="/v1/postings/{id}"),
    ),
    POSTINGS.route(
        "GET",
        "/v1/postings",
        "ListPostings",
        "Find postings visible to the caller",
        ANYONE,
        query=(
            *PAGING,
            Query("status", "statuses", "list", "POSTING_STATUS_OPEN,…"),
            Query("category", "categories", "list", "CATEGORY_DESIGN,…"),
            Query("skill", "skills", "list", "skill slugs"),
            Query("skill_match", "skill_match", "enum", "SKILL_MATCH_ANY or SKILL_MATCH_ALL"),
            Query("company_id", "company_id"),
            Query("fee_min", "fee_min.amount_minor", "int", "minor units; needs currency"),
            Query("fee_max", "fee_max.amount_minor", "int", "minor units; needs currency"),
            Query(
                "currency", "", "str", "ISO 4217 code of fee_min/fee_max", like="fee_min.currency"
            ),
            Query("hours_min", "hours_min", "int"),
            Query("hours_max", "hours_max", "int"),
            Query("q", "query", "str", "free text in title, summary and description"),
            Query("order", "order", "enum", "POSTING_ORDER_NEWEST or POSTING_ORDER_DEADLINE"),
        ),
        prepare=_list_filters,
        answer=Answer(list_field="postings"),
    ),
    POSTINGS.route(
        "GET",
        "/v1/postings/{posting_id}",
        "GetPosting",
        "A posting",
        ANYONE,
        answer=Answer(field="posting"),
    ),
    POSTINGS.route(
        "PATCH",
        "/v1/postings/{posting_id}",
        "UpdatePosting",
        "Change a posting (open postings: description, skills, deadline extension)",
        EMPLOYER,
        body=Body("posting"),
        prepare=_update_mask,
        answer=Answer(field="posting"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/postings/{posting_id}/publish",
        "PublishPosting",
        "Open for applications",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="posting"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/postings/{posting_id}/close",
        "ClosePosting",
        "Stop taking applications",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="posting"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/postings/{posting_id}/cancel",
        "CancelPosting",
        "Cancel before any hire",
        EMPLOYER,
        body=Body(),
        answer=Answer(field="posting"),
    ),
    POSTINGS.route(
        "POST",
        "/v1/postings/{posting_id}/university-approvals",
        "ApprovePostingForUniversity",
        "Approve or decline a posting for the caller's university",
        UNIVERSITY,
        body=Body(),
        choice={"approve": "ApprovePostingForUniversity", "decline": "DeclinePostingForUniversity"},
        choice_field="decision",
        prepare=_deciding_university,
        answer=Answer(field="posting"),
    ),
]
