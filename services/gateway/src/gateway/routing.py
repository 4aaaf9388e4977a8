"""Declarative HTTP -> gRPC routes: each `Route` says which RPC an endpoint calls, who may call
it, and how path, query and body fill the request message. `install` turns them into FastAPI
endpoints with OpenAPI documentation generated from the same Protobuf descriptors."""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import urlencode

import grpc
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from google.protobuf.message import Message
from pymongo.errors import ConnectionFailure
from starlette.datastructures import QueryParams

from gateway.auth import Principal
from gateway.context import GatewayContext
from gateway.idempotency import StoredResponse
from gateway.input_rules import check_query_text, check_times, parse_body
from gateway.problems import ProblemError, from_rpc_error, handle_problem, problem_responses
from gateway.protojson import SchemaRegistry, from_json, to_json

_log = logging.getLogger(__name__)

QueryKind = Literal["str", "int", "bool", "enum", "list"]
# Last touches to a request message: caller-derived fields, masks from the body, etc.
Prepare = Callable[[Principal | None, Any, dict[str, Any], QueryParams], None]
_PATH_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Query:
    """A query parameter copied into a request field (dotted path, e.g. ``page.page_size``)."""

    name: str
    field: str
    kind: QueryKind = "str"
    description: str = ""


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # path parameters are named after request fields: /v1/postings/{posting_id}
    backend: str
    stub: type[Any]
    rpc: str
    request: type[Message]
    response: type[Message]
    summary: str
    tag: str
    roles: frozenset[str] | None  # None: public, no token needed
    body: bool = False
    body_field: str = ""  # the JSON body fills this request field ("" = the request itself)
    query: tuple[Query, ...] = ()
    result: str = ""  # return only this response field ("" = the whole response)
    list_field: str = ""  # lists: {"<list_field>": [...], "next_page_token": "..."}
    status: int = 200
    location: str = ""  # for 201: e.g. "/v1/postings/{id}" filled from the result
    prepare: Prepare | None = None
    path_params: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path_params", tuple(_PATH_PARAM.findall(self.path)))


class RouteFactory(Protocol):
    def __call__(
        self,
        method: str,
        path: str,
        rpc: str,
        summary: str,
        roles: frozenset[str] | None,
        **options: Any,
    ) -> Route: ...


def routes_for(backend: str, stub: type[Any], messages: Any, tag: str) -> RouteFactory:
    """A `Route` maker for one backend: `rpc` names `<rpc>Request`/`<rpc>Response` in
    `messages` (the generated `*_service_pb2` module); ``tag=`` may override the group."""

    def make(
        method: str,
        path: str,
        rpc: str,
        summary: str,
        roles: frozenset[str] | None,
        **options: Any,
    ) -> Route:
        request = getattr(messages, f"{rpc}Request")
        response = getattr(messages, f"{rpc}Response")
        group = options.pop("tag", tag)
        return Route(
            method, path, backend, stub, rpc, request, response, summary, group, roles, **options
        )

    return make


def install(app: FastAPI, routes: list[Route], registry: SchemaRegistry) -> None:
    for route in routes:
        app.add_api_route(
            route.path,
            _endpoint(route),
            methods=[route.method],
            status_code=route.status,
            summary=route.summary,
            tags=[route.tag],
            name=f"{route.backend}.{route.rpc}",
            response_model=None,
            responses=problem_responses(*_error_statuses(route)),
            openapi_extra=_openapi(route, registry),
        )


def _endpoint(route: Route) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        ctx: GatewayContext = request.app.state.ctx
        principal = await ctx.authorize(request, route.roles)
        message = await _build_request(route, request, principal)
        key = request.headers.get("Idempotency-Key") if route.method == "POST" else None
        if key is None:
            return _respond(route, await _call(ctx, route, message, principal, request))
        subject = principal.subject if principal else "anonymous"
        # The query is part of what was asked (`?company_id=` picks the tenant); the request is
        # compared by what it means (the message built from path, query and parsed body), so
        # key order or whitespace in the JSON does not make a retry "another body".
        query = urlencode(sorted(request.query_params.multi_items()))
        target = f"{request.url.path}?{query}" if query else request.url.path
        scope = ctx.idempotency.scope(subject, route.method, target, key)
        held = await ctx.idempotency.begin(scope, message.SerializeToString(deterministic=True))
        if isinstance(held, StoredResponse):
            replayed = {**held.headers, "Idempotent-Replayed": "true"}
            media = held.headers.get("Content-Type", "application/json")
            return JSONResponse(held.body, held.status, headers=replayed, media_type=media)
        try:
            response = _respond(route, await _call(ctx, route, message, principal, request))
        except ProblemError as exc:
            # A refusal (e.g. wrong state) is an answer too: a retry with the key gets it again
            # (unless it is transient, see idempotency.NOT_STORED).
            response = await handle_problem(request, exc)
        except BaseException:
            with contextlib.suppress(ConnectionFailure):  # the lease frees it anyway
                await ctx.idempotency.abandon(held)
            raise
        body = json.loads(bytes(response.body)) if response.body else None
        keep = {k: v for k, v in response.headers.items() if k in ("location", "content-type")}
        headers = {k.title(): v for k, v in keep.items()}
        try:
            await ctx.idempotency.finish(held, StoredResponse(response.status_code, body, headers))
        except ConnectionFailure:
            # The operation happened: answer it. The record's lease ends soon; a retry then runs
            # the operation again, which the backends' own keys make safe.
            _log.warning("idempotency record not finished: the database is unreachable")
        return response

    endpoint.__name__ = route.rpc
    return endpoint


async def _call(
    ctx: GatewayContext,
    route: Route,
    message: Message,
    principal: Principal | None,
    request: Request,
) -> Message:
    method = getattr(ctx.backends.stub(route.backend, route.stub), route.rpc)
    try:
        result: Message = await ctx.backends.call(
            route.backend, method, message, principal, request.state.request_id
        )
    except grpc.aio.AioRpcError as exc:
        raise from_rpc_error(exc) from exc
    return result


async def _build_request(route: Route, request: Request, principal: Principal | None) -> Message:
    message = route.request()
    data: Any = {}
    if route.body:
        data = parse_body(await request.body())
        if isinstance(data, dict) and not route.body_field:
            for name in route.path_params:
                data.pop(name, None)  # the path wins over the body
        from_json(data, getattr(message, route.body_field) if route.body_field else message)
    for name in route.path_params:
        check_query_text(name, [request.path_params[name]])  # ids are text rules too
        setattr(message, name, request.path_params[name])
    for query in route.query:
        _apply_query(message, query, request)
    if route.prepare is not None:
        route.prepare(principal, message, data, request.query_params)
    check_times(message, route.body_field)
    return message


def _apply_query(message: Message, query: Query, request: Request) -> None:
    values = request.query_params.getlist(query.name)
    check_query_text(query.name, values)
    if not values or not query.field:  # no field: the route's `prepare` reads it
        return
    *parents, leaf = query.field.split(".")
    target: Any = message
    for parent in parents:
        target = getattr(target, parent)
    try:
        if query.kind == "list":
            items = [v for value in values for v in value.split(",") if v]
            from_json({leaf: items}, target)
        elif query.kind == "enum":
            from_json({leaf: values[-1]}, target)
        elif query.kind == "int":
            setattr(target, leaf, int(values[-1]))
        elif query.kind == "bool":
            if values[-1].lower() not in ("true", "false", "1", "0"):
                raise ValueError("expected true or false")
            setattr(target, leaf, values[-1].lower() in ("true", "1"))
        else:
            setattr(target, leaf, values[-1])
    except (ValueError, TypeError) as exc:
        raise ProblemError(
            422,
            "invalid-argument",
            "The request is not valid",
            f"query parameter {query.name}: {exc}",
        ) from exc


def _respond(route: Route, result: Message) -> Response:
    if route.status == 204:
        return Response(status_code=204)
    if route.list_field:
        body: Any = to_json(result)
        page = body.pop("page", None) or {}
        body["next_page_token"] = page.get("next_page_token", "")
    elif route.result:
        body = to_json(getattr(result, route.result))
    else:
        body = to_json(result)
    headers = {}
    if route.location:
        # e.g. "/v1/postings/{id}" or "/v1/webhooks/endpoints/{endpoint[id]}"
        with contextlib.suppress(KeyError, IndexError, TypeError):
            headers["Location"] = route.location.format(**body)
    return JSONResponse(body, status_code=route.status, headers=headers)


def _error_statuses(route: Route) -> tuple[int, ...]:
    # 404 everywhere: an id in the path, or a /me resource not created yet (a payout account).
    statuses = [400, 404, 422, 429, 503]
    if route.roles is not None:
        statuses += [401, 403]
    if route.method != "GET":
        statuses.append(409)
    return tuple(sorted(statuses))


def _openapi(route: Route, registry: SchemaRegistry) -> dict[str, Any]:
    params: list[dict[str, Any]] = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for p in route.path_params
    ]
    for q in route.query:
        schema: dict[str, Any] = {"int": {"type": "integer"}, "bool": {"type": "boolean"}}.get(
            q.kind, {"type": "string"}
        )
        params.append(
            {
                "name": q.name,
                "in": "query",
                "required": False,
                "schema": schema,
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
    extra: dict[str, Any] = {"parameters": params}
    if route.body_field:
        target = route.request.DESCRIPTOR.fields_by_name[route.body_field].message_type
        body = registry.message(target)
        extra["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    elif route.body:
        body = registry.message(route.request.DESCRIPTOR, exclude=frozenset(route.path_params))
        extra["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if route.list_field:
        ok: dict[str, Any] = registry.message(
            route.response.DESCRIPTOR, exclude=frozenset({"page"})
        )
        ok["properties"]["next_page_token"] = {"type": "string"}
    elif route.result:
        ok = registry.field(route.response.DESCRIPTOR.fields_by_name[route.result])
    else:
        ok = registry.ref(route.response.DESCRIPTOR)
    if route.status == 204:
        extra["responses"] = {"204": {"description": "Done"}}
    else:
        content = {"application/json": {"schema": ok}}
        extra["responses"] = {str(route.status): {"description": "OK", "content": content}}
    if route.roles is not None:
        extra["security"] = [{"bearerAuth": []}]
    return extra
