"""The responses of an OpenAPI operation: its success (JSON, a document, or nothing) and the
problems (RFC 9457) it can answer with."""

from __future__ import annotations

from typing import Any

from gateway.problems import PROBLEM_JSON
from gateway.routing import Route
from stint.kit.jsonschema import SchemaRegistry

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
STRING_HEADER = {"schema": {"type": "string"}}
REQUEST_ID = {"X-Request-ID": {"description": "The request's id (echoed or made)", **STRING_HEADER}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", **STRING_HEADER}}


def error_responses(route: Route) -> dict[int | str, dict[str, Any]]:
    """Every status the route can answer with a problem, as `application/problem+json`."""
    # 404 everywhere: an id in the path, or a /me resource not created yet (a payout account).
    statuses = [400, 404, 422, 429, 500, 502, 503]
    if route.roles is not None:
        statuses += [401, 403]
    if route.method != "GET":
        statuses.append(409)
    if route.body is not None:
        statuses.append(413)
    return {status: _problem(status) for status in sorted(statuses)}


# 409 may carry Retry-After too: a request still in progress under the same idempotency key,
# or a state the service says is transient (e.g. applying to a posting published moments ago).
RETRYABLE = (409, 429, 503)


def _problem(status: int) -> dict[str, Any]:
    headers = REQUEST_ID | (RETRY_AFTER if status in RETRYABLE else {})
    return {
        "description": "Problem details (RFC 9457)",
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
        "headers": headers,
    }


def success_response(
    route: Route, registry: SchemaRegistry, headers: dict[str, Any]
) -> dict[str, Any]:
    """The success response: nothing (204), a document (its media type), or JSON."""
    if route.answer.status == 204:
        return {"description": "Done", "headers": headers}
    if route.answer.media_type:
        headers["Content-Disposition"] = {"description": "The file name", **STRING_HEADER}
        binary = {"schema": {"type": "string", "format": "binary"}}
        content = {route.answer.media_type: binary}
        return {"description": "The document", "content": content, "headers": headers}
    content = {"application/json": {"schema": _success(route, registry)}}
    return {"description": "OK", "content": content, "headers": headers}


def _success(route: Route, registry: SchemaRegistry) -> dict[str, Any]:
    descriptor = route.rpc.response.DESCRIPTOR
    if route.answer.list_field:
        ok: dict[str, Any] = registry.message(descriptor, exclude=frozenset({"page"}))
        ok["properties"]["next_page_token"] = {"type": "string"}
        ok["required"] = [*ok.get("required", []), "next_page_token"]
        return ok
    if route.answer.field:
        return registry.field(descriptor.fields_by_name[route.answer.field])
    return registry.ref(descriptor)
