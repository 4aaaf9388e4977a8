"""The OpenAPI document, generated from the route table and the Protobuf descriptors."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gateway.problems import PROBLEM_JSON, Problem
from gateway.routing import Route
from gateway.schemas import SchemaRegistry

_QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
}


PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_HEADER = {"schema": {"type": "string"}}
REQUEST_ID = {"X-Request-ID": {"description": "The request's id (echoed or made)", **_HEADER}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying", **_HEADER}}


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


def _problem(status: int) -> dict[str, Any]:
    headers = REQUEST_ID | (RETRY_AFTER if status in (429, 503) else {})
    return {
        "description": "Problem details (RFC 9457)",
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
        "headers": headers,
    }


def operation_id(route: Route) -> str:
    """Stable and readable: the RPC's name in lowerCamelCase (`createPosting`); an endpoint
    whose body chooses the RPC is named after the choice (`decideUniversityApprovals`); the
    caller's own collections under /v1/me say so (`listMyApplications`)."""
    if route.choice is not None:
        last = route.path.rstrip("/").rsplit("/", 1)[-1]
        return "decide" + "".join(part.title() for part in last.split("-"))
    verb, *rest = [str(w) for w in re.findall(r"[A-Z][a-z0-9]*", route.rpc.name)]
    # The caller's own collection (`/v1/me/...`) is another operation on the same RPC.
    mine = "My" if route.path.startswith("/v1/me/") else ""
    return verb.lower() + mine + "".join(rest)


def operation(route: Route, registry: SchemaRegistry) -> dict[str, Any]:
    """The route's parameters, request body, success response and security."""
    extra: dict[str, Any] = {"operationId": operation_id(route), "parameters": _parameters(route)}
    body = _request_body(route, registry)
    if body is not None:
        extra["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    headers = dict(REQUEST_ID)
    if route.answer.location:
        headers["Location"] = {"description": "Where the created resource is", **_HEADER}
    if route.method == "POST":
        headers["Idempotent-Replayed"] = {
            "description": "`true` when this is the stored answer to an earlier request with "
            "the same Idempotency-Key",
            **_HEADER,
        }
    if route.answer.status == 204:
        done: dict[str, Any] = {"description": "Done", "headers": headers}
    else:
        content = {"application/json": {"schema": _success(route, registry)}}
        done = {"description": "OK", "content": content, "headers": headers}
    extra["responses"] = {str(route.answer.status): done}
    # Public operations say so: no token needed (an empty requirement overrides the default).
    extra["security"] = [{"bearerAuth": []}] if route.roles is not None else []
    return extra


def _parameters(route: Route) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for p in route.path_params
    ]
    for q in route.query:
        params.append(
            {
                "name": q.name,
                "in": "query",
                "required": False,
                "schema": _QUERY_SCHEMAS.get(q.kind, {"type": "string"}),
                "description": q.description,
            }
        )
    if route.method == "POST":
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Retry-safe: the same key and body replay the first response (24 h)",
            }
        )
    return params


def _request_body(route: Route, registry: SchemaRegistry) -> dict[str, Any] | None:
    if route.body is None:
        return None
    if route.body.field:
        target = route.rpc.request.DESCRIPTOR.fields_by_name[route.body.field].message_type
        return registry.message(target, output=False)
    path = frozenset(route.path_params)
    if route.choice is None:
        return registry.message(route.rpc.request.DESCRIPTOR, exclude=path, output=False)
    # One body for every choice: the union of their fields, and the field that chooses.
    properties: dict[str, Any] = {}
    for rpc in route.choice.rpcs.values():
        body = registry.message(rpc.request.DESCRIPTOR, exclude=path, output=False)
        properties |= body.get("properties", {})
    chooser = {"type": "string", "enum": sorted(route.choice.rpcs)}
    return {
        "type": "object",
        "properties": {route.choice.field: chooser, **properties},
        "required": [route.choice.field],
    }


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


def document(app: FastAPI, registry: SchemaRegistry) -> dict[str, Any]:
    """The whole document (built once): FastAPI's, plus the message schemas and the bearer
    scheme."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schema["servers"] = [{"url": "/", "description": "this gateway"}]
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(registry.components)
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    components["securitySchemes"] = {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }
    app.openapi_schema = schema
    return schema
