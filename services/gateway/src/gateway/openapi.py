"""The OpenAPI document, generated from the route table and the Protobuf descriptors."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gateway.problems import problem_responses
from gateway.protojson import SchemaRegistry
from gateway.routing import Route

_QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
}


def error_responses(route: Route) -> dict[int | str, dict[str, Any]]:
    # 404 everywhere: an id in the path, or a /me resource not created yet (a payout account).
    statuses = [400, 404, 422, 429, 503]
    if route.roles is not None:
        statuses += [401, 403]
    if route.method != "GET":
        statuses.append(409)
    return problem_responses(*sorted(statuses))


def operation(route: Route, registry: SchemaRegistry) -> dict[str, Any]:
    """The route's parameters, request body, success response and security."""
    extra: dict[str, Any] = {"parameters": _parameters(route)}
    body = _request_body(route, registry)
    if body is not None:
        extra["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if route.answer.status == 204:
        extra["responses"] = {"204": {"description": "Done"}}
    else:
        content = {"application/json": {"schema": _success(route, registry)}}
        extra["responses"] = {str(route.answer.status): {"description": "OK", "content": content}}
    if route.roles is not None:
        extra["security"] = [{"bearerAuth": []}]
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
        return registry.message(target)
    path = frozenset(route.path_params)
    if route.choice is None:
        return registry.message(route.rpc.request.DESCRIPTOR, exclude=path)
    # One body for every choice: the union of their fields, and the field that chooses.
    properties: dict[str, Any] = {}
    for rpc in route.choice.rpcs.values():
        properties |= registry.message(rpc.request.DESCRIPTOR, exclude=path).get("properties", {})
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
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(registry.components)
    components["securitySchemes"] = {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }
    app.openapi_schema = schema
    return schema
