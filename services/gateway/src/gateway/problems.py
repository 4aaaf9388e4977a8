"""Every error is `application/problem+json` (RFC 9457) with a stable `type` and the request id.

gRPC status codes map to HTTP here and nowhere else.
"""

from __future__ import annotations

import logging

import grpc
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from stint.kit.grpc import (
    error_code_from_error,
    field_violations_from_error,
    retry_after_from_error,
)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://stint.dev/problems/"

_log = logging.getLogger(__name__)


class FieldError(BaseModel):
    field: str
    description: str


class Problem(BaseModel):
    """The error body of every non-2xx response (RFC 9457). `code` is stable and machine-
    readable: the service's error code (e.g. ``POSTING_NOT_OPEN``) or the gateway's own
    (``RATE_LIMITED``); `type` names its category; `detail` is for people."""

    type: str
    title: str
    status: int
    code: str
    detail: str = ""
    request_id: str = ""
    errors: list[FieldError] = []


def invalid(detail: str, errors: list[FieldError] | None = None) -> ProblemError:
    """422 `invalid-argument`: what the caller sent breaks a rule (the fields named, if any)."""
    return ProblemError(422, "invalid-argument", "The request is not valid", detail, errors=errors)


def invalid_field(field: str, description: str, detail: str = "") -> ProblemError:
    """`invalid` for one field; the detail defaults to "<field>: <description>"."""
    errors = [FieldError(field=field, description=description)]
    return invalid(detail or f"{field}: {description}", errors)


def code_of(slug: str) -> str:
    """The gateway's own codes: its problem slugs in CONSTANT_CASE (``rate-limited``)."""
    return slug.upper().replace("-", "_")


class ProblemError(Exception):
    """Raised by the gateway's own code for a problem response."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        code: str = "",
    ) -> None:
        super().__init__(detail or title)
        self.status = status
        self.slug = slug
        self.code = code or code_of(slug)
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


# gRPC code -> (HTTP status, problem slug, title)
GRPC_TO_HTTP: dict[grpc.StatusCode, tuple[int, str, str]] = {
    grpc.StatusCode.INVALID_ARGUMENT: (422, "invalid-argument", "The request is not valid"),
    grpc.StatusCode.OUT_OF_RANGE: (422, "invalid-argument", "The request is not valid"),
    grpc.StatusCode.NOT_FOUND: (404, "not-found", "Not found"),
    grpc.StatusCode.ALREADY_EXISTS: (409, "already-exists", "Already exists"),
    grpc.StatusCode.FAILED_PRECONDITION: (409, "wrong-state", "Not possible in the current state"),
    grpc.StatusCode.ABORTED: (409, "concurrent-change", "Changed concurrently; retry"),
    grpc.StatusCode.PERMISSION_DENIED: (403, "forbidden", "Not allowed for this role"),
    grpc.StatusCode.UNAUTHENTICATED: (401, "unauthenticated", "Authentication required"),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (429, "rate-limited", "Too many requests"),
    grpc.StatusCode.UNAVAILABLE: (503, "backend-unavailable", "A backend service is unavailable"),
    grpc.StatusCode.DEADLINE_EXCEEDED: (503, "backend-timeout", "A backend service timed out"),
    grpc.StatusCode.CANCELLED: (503, "backend-unavailable", "A backend service is unavailable"),
}
BACKEND_FAILURE = (502, "backend-error", "A backend service failed")


def problem_response(
    request: Request, problem: Problem, headers: dict[str, str] | None = None
) -> JSONResponse:
    problem.request_id = getattr(request.state, "request_id", "")
    return JSONResponse(
        problem.model_dump(exclude_defaults=False),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def from_rpc_error(error: grpc.aio.AioRpcError) -> ProblemError:
    status, slug, title = GRPC_TO_HTTP.get(error.code(), BACKEND_FAILURE)
    # Backend internals never reach the caller; client mistakes keep the service's message.
    detail = error.details() or "" if status < 500 else ""
    errors = [
        # A rule of the whole message (a `oneof` rule) has no field: the body as a whole.
        FieldError(field=v.field or "body", description=v.description)
        for v in field_violations_from_error(error)
    ]
    headers = {"Retry-After": "1"} if status in (429, 503) else {}
    # A state the service says is transient (e.g. a posting published moments ago): its
    # RetryInfo becomes Retry-After, whatever the status (a 409 the client may simply retry).
    if retry_after := retry_after_from_error(error):
        headers = {"Retry-After": str(retry_after)}
    # The service's code for what the caller did; for the gateway's own view of a backend
    # failure (5xx) its slug's code.
    code = error_code_from_error(error) if status < 500 else ""
    return ProblemError(status, slug, title, detail, errors=errors, headers=headers, code=code)


async def handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    problem = Problem(
        type=TYPE_BASE + exc.slug,
        title=exc.title,
        status=exc.status,
        code=exc.code,
        detail=exc.detail,
        errors=exc.errors,
    )
    return problem_response(request, problem, exc.headers)


async def handle_rpc_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, grpc.aio.AioRpcError)
    return await handle_problem(request, from_rpc_error(exc))


async def handle_database_outage(request: Request, exc: Exception) -> JSONResponse:
    """The gateway's own database (idempotency records) is unreachable: 503, retry soon."""
    _log.warning("database unreachable: %s", type(exc).__name__)
    problem = ProblemError(
        503,
        "dependency-unavailable",
        "A dependency is unavailable",
        "the gateway's database did not answer; retry shortly",
        headers={"Retry-After": "2"},
    )
    return await handle_problem(request, problem)


async def handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(
            field=".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), description=e["msg"]
        )
        for e in exc.errors()
    ]
    problem = Problem(
        type=TYPE_BASE + "invalid-argument",
        title="The request is not valid",
        status=422,
        code=code_of("invalid-argument"),
        detail=f"{len(errors)} invalid field(s)",
        errors=errors,
    )
    return problem_response(request, problem)


_HTTP_SLUGS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Not allowed for this role"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
}


async def handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _HTTP_SLUGS.get(exc.status_code, ("error", "Error"))
    detail = exc.detail if isinstance(exc.detail, str) else ""
    problem = Problem(
        type=TYPE_BASE + slug,
        title=title,
        status=exc.status_code,
        code=code_of(slug),
        detail=detail,
    )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the first route of the path; every method of the path is allowed.
        headers["Allow"] = ", ".join(allowed_methods(request))
    return problem_response(request, problem, headers)


def allowed_methods(request: Request) -> list[str]:
    path = request.url.path
    methods = {
        m
        for route in request.app.routes
        if isinstance(route, APIRoute) and route.path_regex.match(path)
        for m in route.methods or ()
    }
    return sorted(methods)


def relative_to_body(problem: ProblemError, body_field: str) -> ProblemError:
    """Field paths as the client wrote them: a route whose JSON body fills the request field
    `posting` reports `title`, not `posting.title`."""
    prefix = body_field + "."
    problem.errors = [
        FieldError(field=e.field.removeprefix(prefix), description=e.description)
        for e in problem.errors
    ]
    problem.detail = problem.detail.removeprefix(prefix)
    return problem
