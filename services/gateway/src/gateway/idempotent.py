"""A POST with an `Idempotency-Key`: the first answer is kept and replayed (gateway.idempotency
holds the records, their leases and what is never stored)."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from google.protobuf.message import Message
from pymongo.errors import ConnectionFailure

from gateway.auth import Principal
from gateway.context import GatewayContext
from gateway.idempotency import StoredResponse
from gateway.problems import ProblemError, handle_problem

_log = logging.getLogger(__name__)


async def idempotently(
    ctx: GatewayContext,
    request: Request,
    principal: Principal | None,
    key: str,
    message: Message,
    run: Callable[[], Awaitable[Response]],
) -> Response:
    """`run()` once per (caller, method, target, key); a retry gets the stored answer."""
    subject = principal.subject if principal else "anonymous"
    # The query is part of what was asked (`?company_id=` picks the tenant); the request is
    # compared by what it means (the message built from path, query and parsed body), so key
    # order or whitespace in the JSON does not make a retry "another body".
    query = urlencode(sorted(request.query_params.multi_items()))
    target = f"{request.url.path}?{query}" if query else request.url.path
    scope = ctx.idempotency.scope(subject, request.method, target, key)
    held = await ctx.idempotency.begin(scope, message.SerializeToString(deterministic=True))
    if isinstance(held, StoredResponse):
        replayed = {**held.headers, "Idempotent-Replayed": "true"}
        media = held.headers.get("Content-Type", "application/json")
        return JSONResponse(held.body, held.status, headers=replayed, media_type=media)
    try:
        response = await run()
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
