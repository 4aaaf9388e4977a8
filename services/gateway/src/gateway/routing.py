"""Declarative HTTP -> gRPC routes: each `Route` says which RPC an endpoint calls, who may call
it, how path, query and body fill the request message, and what the answer is. `install` turns
the table into FastAPI endpoints (`gateway.endpoint`), with idempotency (`gateway.idempotent`)
and OpenAPI documentation generated from the same Protobuf descriptors (`gateway.openapi`).

A route table is made with one `Backend` per service: ``postings.route("GET", "/v1/...",
"GetPosting", "A posting", ANYONE, answer=Answer(field="posting"))``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import FastAPI
from google.protobuf.message import Message
from starlette.datastructures import QueryParams

from gateway.auth import Principal
from stint.kit.jsonschema import SchemaRegistry

QueryKind = Literal["str", "int", "bool", "enum", "list", "timestamp"]
_PATH_PARAM = re.compile(r"{(\w+)}")


@dataclass(frozen=True)
class Query:
    """A query parameter copied into a request field (dotted path, e.g. ``page.page_size``);
    no field: only the route's `prepare` reads it. A `timestamp` is RFC 3339 into a
    `google.protobuf.Timestamp` field; `required` only documents it (the service refuses
    its absence, as for a body field)."""

    name: str
    field: str
    kind: QueryKind = "str"
    description: str = ""
    like: str = ""  # no field: the request field whose rules (and schema) it follows
    required: bool = False


@dataclass(frozen=True)
class Rpc:
    """One method of one backend, with its request and response messages."""

    backend: str
    stub: type[Any]
    name: str
    request: type[Message]
    response: type[Message]


@dataclass(frozen=True)
class Body:
    """The JSON body fills `field` of the request ("" = the request itself, path ids aside);
    `derived` fields are the gateway's to fill (the route's `prepare`), never the body's."""

    field: str = ""
    derived: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Answer:
    """What the endpoint returns: `status`; the response's `field` only ("" = all of it); for
    lists, `list_field` plus ``next_page_token``; for 201, a `location` filled from the body;
    for a document (a PDF), its `media_type`."""

    status: int = 200
    field: str = ""
    list_field: str = ""
    location: str = ""  # e.g. "/v1/postings/{id}" or "/v1/webhooks/endpoints/{endpoint[id]}"
    # A document instead of JSON: `field` holds its bytes, served as `media_type`, and
    # `filename_field` names the download (Content-Disposition).
    media_type: str = ""
    filename_field: str = ""


@dataclass(frozen=True)
class Prepared:
    """What a route's `prepare` may look at while it sets caller-derived request fields."""

    principal: Principal | None
    message: Any
    body: dict[str, Any]
    query: QueryParams


# Last touches to a request message: fields derived from the caller, masks from the body.
Prepare = Callable[[Prepared], None]


@dataclass(frozen=True)
class Choice:
    """One endpoint, several RPCs: the body field `field` names which (e.g. a decision)."""

    field: str
    rpcs: Mapping[str, Rpc]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # path parameters are named after request fields: /v1/postings/{posting_id}
    rpc: Rpc
    summary: str
    tag: str
    roles: frozenset[str] | None  # None: public, no token needed
    body: Body | None = None
    query: tuple[Query, ...] = ()
    answer: Answer = Answer()
    prepare: Prepare | None = None
    choice: Choice | None = None
    # The operationId when another route calls the same RPC (else derived from the RPC).
    operation_id: str = ""
    path_params: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path_params", tuple(_PATH_PARAM.findall(self.path)))

    def rpc_for(self, body: Any) -> Rpc:
        """The RPC this request calls (the choice's, by the body, when there is one)."""
        if self.choice is None:
            return self.rpc
        picked = body.get(self.choice.field) if isinstance(body, dict) else None
        return self.choice.rpcs.get(picked, self.rpc) if isinstance(picked, str) else self.rpc


class Backend:
    """Makes the routes of one backend: `rpc` names ``<rpc>Request``/``<rpc>Response`` in
    `messages` (the generated ``*_service_pb2`` module); routes are tagged `tag` unless told."""

    def __init__(self, name: str, stub: type[Any], messages: Any, tag: str) -> None:
        self.name, self.stub, self.messages, self.tag = name, stub, messages, tag

    def rpc(self, name: str) -> Rpc:
        request = getattr(self.messages, f"{name}Request")
        response = getattr(self.messages, f"{name}Response")
        return Rpc(self.name, self.stub, name, request, response)

    def route(
        self,
        method: str,
        path: str,
        rpc: str,
        summary: str,
        roles: frozenset[str] | None,
        *,
        tag: str = "",
        body: Body | None = None,
        query: tuple[Query, ...] = (),
        answer: Answer = Answer(),
        prepare: Prepare | None = None,
        choice: Mapping[str, str] | None = None,
        choice_field: str = "",
        operation_id: str = "",
    ) -> Route:
        chosen = None
        if choice:
            chosen = Choice(choice_field, {k: self.rpc(v) for k, v in choice.items()})
        return Route(
            method,
            path,
            self.rpc(rpc),
            summary,
            tag or self.tag,
            roles,
            body,
            query,
            answer,
            prepare,
            chosen,
            operation_id,
        )


def install(app: FastAPI, routes: list[Route], registry: SchemaRegistry) -> None:
    from gateway.endpoint import endpoint_for
    from gateway.openapi import operation
    from gateway.openapi_responses import error_responses

    for route in routes:
        app.add_api_route(
            route.path,
            endpoint_for(route),
            methods=[route.method],
            status_code=route.answer.status,
            summary=route.summary,
            tags=[route.tag],
            name=f"{route.rpc.backend}.{route.rpc.name}",
            response_model=None,
            responses=error_responses(route),
            openapi_extra=operation(route, registry),
        )
