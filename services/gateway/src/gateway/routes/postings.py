"""/v1/postings: employers publish projects; students find them; universities approve them."""

from __future__ import annotations

from typing import Any, Literal

import grpc
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field, field_validator
from starlette.datastructures import QueryParams

from gateway.auth import Principal
from gateway.context import GatewayContext
from gateway.input_rules import check_query_text, text_problem
from gateway.problems import ProblemError, from_rpc_error, problem_responses
from gateway.protojson import to_json
from gateway.routes.common import ANYONE, EMPLOYER, PAGING, UNIVERSITY
from gateway.routing import Query, routes_for
from stint.postings.v1 import postings_service_pb2 as pb
from stint.postings.v1.postings_service_pb2_grpc import PostingsServiceStub

TAG = "postings"
_route = routes_for("postings", PostingsServiceStub, pb, TAG)


def _list_filters(
    _: Principal | None, message: Any, __: dict[str, Any], query: QueryParams
) -> None:
    currency = query.get("currency", "").upper()
    for side in ("fee_min", "fee_max"):
        if message.HasField(side):
            if not currency:
                raise ProblemError(
                    422, "invalid-argument", "The request is not valid", f"{side} needs currency"
                )
            getattr(message, side).currency = currency


def _update_mask(_: Principal | None, message: Any, body: dict[str, Any], __: QueryParams) -> None:
    # PATCH semantics: the fields present in the body are the ones to change.
    message.update_mask.paths.extend(k for k in body if k != "expected_version")


ROUTES = [
    _route(
        "POST",
        "/v1/postings",
        "CreatePosting",
        "Create a draft posting",
        EMPLOYER,
        body=True,
        body_field="posting",
        query=(Query("company_id", "company_id", "str", "admin only"),),
        result="posting",
        status=201,
        location="/v1/postings/{id}",
    ),
    _route(
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
            Query("currency", "", "str", "ISO 4217 code for fee_min/fee_max"),
            Query("hours_min", "hours_min", "int"),
            Query("hours_max", "hours_max", "int"),
            Query("q", "query", "str", "free text in title and summary"),
            Query("order", "order", "enum", "POSTING_ORDER_NEWEST or POSTING_ORDER_DEADLINE"),
        ),
        list_field="postings",
        prepare=_list_filters,
    ),
    _route("GET", "/v1/postings/{posting_id}", "GetPosting", "A posting", ANYONE, result="posting"),
    _route(
        "PATCH",
        "/v1/postings/{posting_id}",
        "UpdatePosting",
        "Change a posting (open postings: description, skills, deadline extension)",
        EMPLOYER,
        body=True,
        body_field="posting",
        result="posting",
        prepare=_update_mask,
    ),
    _route(
        "POST",
        "/v1/postings/{posting_id}/publish",
        "PublishPosting",
        "Open for applications",
        EMPLOYER,
        body=True,
        result="posting",
    ),
    _route(
        "POST",
        "/v1/postings/{posting_id}/close",
        "ClosePosting",
        "Stop taking applications",
        EMPLOYER,
        body=True,
        result="posting",
    ),
    _route(
        "POST",
        "/v1/postings/{posting_id}/cancel",
        "CancelPosting",
        "Cancel before any hire",
        EMPLOYER,
        body=True,
        result="posting",
    ),
]


class UniversityDecision(BaseModel):
    """A career office's decision on a posting aimed at its students."""

    decision: Literal["approve", "decline"]
    reason: str = Field(default="", max_length=1000, description="required when declining")
    university_id: str = Field(default="", max_length=100, description="admins only")

    @field_validator("reason", "university_id")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
        return value


def install_extra(app: FastAPI) -> None:
    """Endpoints that do not fit one RPC per route."""

    @app.post(
        "/v1/postings/{posting_id}/university-approvals",
        tags=[TAG],
        summary="Approve or decline a posting for the caller's university",
        responses=problem_responses(400, 401, 403, 404, 409, 422, 429, 503),
        openapi_extra={"security": [{"bearerAuth": []}]},
    )
    async def university_approval(
        posting_id: str, body: UniversityDecision, request: Request
    ) -> dict[str, Any]:
        ctx: GatewayContext = request.app.state.ctx
        principal = await ctx.authorize(request, UNIVERSITY)
        check_query_text("posting_id", [posting_id])
        assert principal is not None
        university = principal.org if principal.role == "university" else body.university_id
        stub = ctx.backends.stub("postings", PostingsServiceStub)
        message: Any
        if body.decision == "approve":
            message = pb.ApprovePostingForUniversityRequest(
                posting_id=posting_id, university_id=university
            )
            method = stub.ApprovePostingForUniversity
        else:
            message = pb.DeclinePostingForUniversityRequest(
                posting_id=posting_id, university_id=university, reason=body.reason
            )
            method = stub.DeclinePostingForUniversity
        try:
            result = await ctx.backends.call(
                "postings", method, message, principal, request.state.request_id
            )
        except grpc.aio.AioRpcError as exc:
            raise from_rpc_error(exc) from exc
        return to_json(result.posting)
