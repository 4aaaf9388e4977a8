"""One route as an HTTP endpoint: authorize, build the request message from path, query and
body, call the backend (idempotently when the client sent a key), and answer."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import grpc
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from google.protobuf.message import Message

from gateway.auth import Principal
from gateway.context import GatewayContext
from gateway.disposition import attachment
from gateway.idempotent import idempotently
from gateway.input_rules import check_query_text, check_times, parse_body, time_problem
from gateway.problems import (
    ProblemError,
    from_rpc_error,
    invalid,
    invalid_field,
    relative_to_body,
)
from gateway.protojson import from_json, to_json
from gateway.routing import Prepared, Query, Route, Rpc


def endpoint_for(route: Route) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        ctx: GatewayContext = request.app.state.ctx
        principal = await ctx.authorize(request, route.roles)
        rpc, message = await _build_request(route, request, principal)

        async def run() -> Response:
            try:
                result = await _call(ctx, rpc, message, principal, request)
            except ProblemError as problem:
                if route.body is not None and route.body.field:
                    raise relative_to_body(problem, route.body.field) from problem
                raise
            return _respond(route, result)

        key = request.headers.get("Idempotency-Key") if route.method == "POST" else None
        if key is None:
            return await run()
        return await idempotently(ctx, request, principal, key, message, run)

    endpoint.__name__ = route.rpc.name
    return endpoint


async def _call(
    ctx: GatewayContext,
    rpc: Rpc,
    message: Message,
    principal: Principal | None,
    request: Request,
) -> Message:
    method = getattr(ctx.backends.stub(rpc.backend, rpc.stub), rpc.name)
    try:
        result: Message = await ctx.backends.call(
            rpc.backend, method, message, principal, request.state.request_id
        )
    except grpc.aio.AioRpcError as exc:
        raise from_rpc_error(exc) from exc
    return result


async def _build_request(
    route: Route, request: Request, principal: Principal | None
) -> tuple[Rpc, Message]:
    data: Any = parse_body(await request.body()) if route.body is not None else {}
    rpc = route.rpc_for(data)
    message = rpc.request()
    if route.body is not None:
        fields = data
        if isinstance(data, dict) and route.body.derived & data.keys():
            raise invalid_field(min(route.body.derived & data.keys()), "unknown field")
        if isinstance(data, dict) and not route.body.field:
            fields = {k: v for k, v in data.items() if k not in route.path_params}  # path wins
            if route.choice is not None:
                fields = _chosen_fields(route, rpc, fields)
        from_json(fields, getattr(message, route.body.field) if route.body.field else message)
    for name in route.path_params:
        check_query_text(name, [request.path_params[name]])  # ids are text rules too
        setattr(message, name, request.path_params[name])
    for query in route.query:
        _apply_query(message, query, request)
    if route.prepare is not None:
        body = data if isinstance(data, dict) else {}
        route.prepare(Prepared(principal, message, body, request.query_params))
    check_times(message, route.body.field if route.body else "")
    return rpc, message


def _chosen_fields(route: Route, rpc: Rpc, fields: dict[str, Any]) -> dict[str, Any]:
    """The body without the choosing field, and without fields only other choices take (the
    documented body is the union of them: `reason` matters to a decline, not to an approval)."""
    assert route.choice is not None
    picked = fields.get(route.choice.field)
    if not isinstance(picked, str) or picked not in route.choice.rpcs:
        allowed = ", ".join(sorted(route.choice.rpcs))
        raise invalid(f"{route.choice.field}: must be one of {allowed}")
    own = set(rpc.request.DESCRIPTOR.fields_by_name)
    others = {f for r in route.choice.rpcs.values() for f in r.request.DESCRIPTOR.fields_by_name}
    return {
        k: v for k, v in fields.items() if k != route.choice.field and (k in own or k not in others)
    }


def _apply_query(message: Message, query: Query, request: Request) -> None:
    values = request.query_params.getlist(query.name)
    check_query_text(query.name, values)
    if len(values) > 1 and query.kind != "list":
        raise _bad_query(query, "give it once")
    if not values or not query.field:  # no field: the route's `prepare` reads it
        return
    *parents, leaf = query.field.split(".")
    target: Any = message
    for parent in parents:
        target = getattr(target, parent)
    try:
        if query.kind == "list":
            items = [v for value in values for v in value.split(",") if v]
            _enum_names(target, leaf, items)
            from_json({leaf: items}, target)
        elif query.kind == "enum":
            _enum_names(target, leaf, values)
            from_json({leaf: values[-1]}, target)
        elif query.kind == "timestamp":
            stamp = getattr(target, leaf)
            stamp.FromJsonString(values[-1])  # RFC 3339 with an offset; ValueError if not
            if problem := time_problem(stamp.seconds):
                raise ValueError(problem)
        elif query.kind == "int":
            setattr(target, leaf, int(values[-1]))
        elif query.kind == "bool":
            if values[-1].lower() not in ("true", "false", "1", "0"):
                raise ValueError("expected true or false")
            setattr(target, leaf, values[-1].lower() in ("true", "1"))
        else:
            setattr(target, leaf, values[-1])
    except (ValueError, TypeError) as exc:
        raise _bad_query(query, str(exc)) from exc


def _enum_names(target: Message, leaf: str, values: list[str]) -> None:
    """A query names enum values as the OpenAPI lists them: by name, never UNSPECIFIED (which a
    filter means when the parameter is left out) nor by number (protobuf's JSON takes both)."""
    enum = target.DESCRIPTOR.fields_by_name[leaf].enum_type
    if enum is None:
        return
    allowed = {v.name for v in enum.values if v.number != 0}
    for value in values:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(sorted(allowed))}")


def _bad_query(query: Query, problem: str) -> ProblemError:
    return invalid_field(query.name, problem, f"query parameter {query.name}: {problem}")


def _respond(route: Route, result: Message) -> Response:
    answer = route.answer
    if answer.status == 204:
        return Response(status_code=204)
    if answer.media_type:
        name = getattr(result, answer.filename_field) if answer.filename_field else ""
        disposition = {"Content-Disposition": attachment(name)} if name else {}
        content = getattr(result, answer.field)
        return Response(content, answer.status, disposition, media_type=answer.media_type)
    if answer.list_field:
        body: Any = to_json(result)
        page = body.pop("page", None) or {}
        body["next_page_token"] = page.get("next_page_token", "")
    elif answer.field:
        body = to_json(getattr(result, answer.field))
    else:
        body = to_json(result)
    headers = {}
    if answer.location:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            headers["Location"] = answer.location.format(**body)
    return JSONResponse(body, status_code=answer.status, headers=headers)
