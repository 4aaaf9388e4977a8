"""The OpenAPI document, generated from the route table and the Protobuf descriptors."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from gateway.openapi_responses import (
    REQUEST_ID,
    STRING_HEADER,
    success_response,
)
from gateway.problems import Problem
from gateway.routing import Route
from stint.contracts.descriptors import comments
from stint.kit.jsonschema import SchemaRegistry

_QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
}


# Every tag a route uses, in the order a reader meets them (`redocly lint` with
# operation-tag-defined fails on a route whose tag is missing here).
_TAGS = {
    "postings": "Employers publish projects; students find them; universities approve them.",
    "companies": "Company profiles, and their verification by the platform's admins.",
    "review": "The admins' review of postings: the queue (unverified companies, automatic "
    "findings, flags), approvals, declines and takedowns; anyone may flag an open posting.",
    "saved-searches": "A student's saved searches: new postings that match alert them (inbox, "
    "and e-mail by preference).",
    "recommendations": "Open postings recommended to a student from their profile's skills, "
    "past work and programme, each with why.",
    "applications": "Students apply; employers shortlist, reject and hire.",
    "profiles": "Student profiles: what a student shows employers, field by field.",
    "conversations": "One thread per application between the company's staff and the "
    "applicant, into the engagement: messages, artifact references, read receipts, unread counts.",
    "invitations": "Repeat hiring: a company invites a student who applied to or was hired by "
    "it before to a new posting.",
    "engagements": "Deliver, review, approve, rate, and the verifiable experience record.",
    "disputes": "Either side opens a dispute on an engagement, the other answers, an admin "
    "resolves it.",
    "offers": "After a completed engagement the employer offers the intern an internship or a "
    "job; the intern accepts or declines it.",
    "payouts": "Money in and out: funding at hire (escrow), invoices, the intern's payouts and "
    "earnings, and the operators' ledger tools.",
    "sponsorships": "Universities and grant programs pay a share of projects from a budget.",
    "notifications": "The caller's in-app inbox and notification preferences.",
    "outcomes": "A university's outcomes for its career office: hires, completions, earnings, "
    "ratings and offers, small groups suppressed; as JSON or CSV.",
    "webhooks": "Webhook endpoints that receive the platform's events, for third parties.",
}
TAGS = [{"name": name, "description": text} for name, text in _TAGS.items()]


def operation_id(route: Route) -> str:
    """Stable and readable: the RPC's name in lowerCamelCase (`createPosting`); an endpoint
    whose body chooses the RPC is named after the choice (`decideUniversityApprovals`); the
    caller's own collections under /v1/me say so (`listMyApplications`); a second route to
    one RPC names itself (`getEngagementDispute`)."""
    if route.operation_id:
        return route.operation_id
    if route.choice is not None:
        last = route.path.rstrip("/").rsplit("/", 1)[-1]
        return "decide" + "".join(part.title() for part in last.split("-"))
    verb, *rest = [str(w) for w in re.findall(r"[A-Z][a-z0-9]*", route.rpc.name)]
    # The caller's own collection (`/v1/me/...`) is another operation on the same RPC.
    mine = "My" if route.path.startswith("/v1/me/") else ""
    return verb.lower() + mine + "".join(rest)


def operation(route: Route, registry: SchemaRegistry) -> dict[str, Any]:
    """The route's parameters, request body, success response and security."""
    extra: dict[str, Any] = {
        "operationId": operation_id(route),
        "parameters": _parameters(route, registry),
    }
    description = _rpc_comment(route)  # the proto comment: what it does, who may call it
    if description:
        extra["description"] = description
    body = _request_body(route, registry)
    if body is not None:
        # An absent body is read as `{}`: it may be left out when `{}` is a valid body.
        needed = any(body.get(k) for k in ("required", "oneOf", "allOf", "minProperties"))
        extra["requestBody"] = {
            "required": needed,
            "content": {"application/json": {"schema": body}},
        }
    headers = dict(REQUEST_ID)
    if route.answer.location:
        headers["Location"] = {"description": "Where the created resource is", **STRING_HEADER}
    if route.method == "POST":
        headers["Idempotent-Replayed"] = {
            "description": "`true` when this is the stored answer to an earlier request with "
            "the same Idempotency-Key",
            **STRING_HEADER,
        }
    extra["responses"] = {str(route.answer.status): success_response(route, registry, headers)}
    # Public operations say so: no token needed (an empty requirement overrides the default).
    extra["security"] = [{"bearerAuth": []}] if route.roles is not None else []
    return extra


def _rpc_comment(route: Route) -> str:
    """The proto comment of the route's RPC(s): what the operation does, who may call it."""
    rpcs = route.choice.rpcs.values() if route.choice is not None else [route.rpc]
    texts = []
    for rpc in rpcs:
        for service in rpc.request.DESCRIPTOR.file.services_by_name.values():
            if rpc.name in service.methods_by_name:
                text = comments().get(f"{service.full_name}.{rpc.name}", "")
                prefix = f"`{rpc.name}`: " if route.choice is not None else ""
                texts += [prefix + text] if text else []
    return "\n\n".join(texts)


def _request_field(route: Route, path: str) -> Any:
    """The request field a path or query parameter fills (dotted path), or None."""
    descriptor: Any = route.rpc.request.DESCRIPTOR
    field = None
    for name in path.split(".") if path else []:
        if descriptor is None or name not in descriptor.fields_by_name:
            return None
        field = descriptor.fields_by_name[name]
        descriptor = field.message_type
    return field


def _parameter_schema(route: Route, kind: str, path: str, registry: SchemaRegistry) -> Any:
    """The field's own request schema (type, constraints: the rules the service enforces), so
    a client generator and a fuzzer send only what can be accepted."""
    field = _request_field(route, path)
    if field is None or (field.message_type is not None and kind != "timestamp"):
        return _QUERY_SCHEMAS.get(kind, {"type": "string"})
    schema = registry.field(field, output=False)
    if kind == "int" and "anyOf" in schema:  # a 64-bit integer: a query gives the number form
        schema = schema["anyOf"][0]
    return schema


def _parameters(route: Route, registry: SchemaRegistry) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = []
    for p in route.path_params:
        schema = _parameter_schema(route, "str", p, registry)
        schema = {"minLength": 1, **schema} if schema.get("type") == "string" else schema
        params.append({"name": p, "in": "path", "required": True, "schema": schema})
    for q in route.query:
        params.append(
            {
                "name": q.name,
                "in": "query",
                "required": q.required,
                "schema": _parameter_schema(route, q.kind, q.field or q.like, registry),
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
    # PATCH: the fields present are the ones that change, so none is required, and one must be.
    partial = route.method == "PATCH"
    at_least_one = {"minProperties": 1} if partial else {}
    if route.body.field:
        target = route.rpc.request.DESCRIPTOR.fields_by_name[route.body.field].message_type
        return registry.message(target, output=False, partial=partial) | at_least_one
    path = frozenset(route.path_params) | route.body.derived
    if route.choice is None:
        descriptor = route.rpc.request.DESCRIPTOR
        body = registry.message(descriptor, exclude=path, output=False, partial=partial)
        return body | at_least_one
    # One body for every choice: the union of their fields, and the field that chooses.
    properties: dict[str, Any] = {}
    each: list[dict[str, Any]] = []  # what each choice requires besides the choosing field
    for choice, rpc in sorted(route.choice.rpcs.items()):
        body = registry.message(rpc.request.DESCRIPTOR, exclude=path, output=False)
        properties |= body.get("properties", {})
        if body.get("required"):
            chosen = {"properties": {route.choice.field: {"const": choice}}}
            needs = {
                "required": body["required"],
                "properties": {key: {} for key in body["required"]},
            }
            each.append({"if": chosen, "then": needs})
    chooser = {"type": "string", "enum": sorted(route.choice.rpcs)}
    return {
        "type": "object",
        "properties": {route.choice.field: chooser, **properties},
        "required": [route.choice.field],
        "additionalProperties": False,
        **({"allOf": each} if each else {}),
    }


def document(app: FastAPI, registry: SchemaRegistry) -> dict[str, Any]:
    """The whole document (built once): FastAPI's, plus the message schemas and the bearer
    scheme."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=TAGS,
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
