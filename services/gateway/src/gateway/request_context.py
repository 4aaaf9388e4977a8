"""Every request's context, as plain ASGI middleware: request id, body limit, metrics.

Plain ASGI rather than `@app.middleware("http")`: Starlette's BaseHTTPMiddleware runs each
request through an extra task and memory stream, a measurable share of the gateway's CPU under
load (profiled with py-spy during `make bench`). It also sees the body as it streams, so the
limit holds for chunked bodies too, not only for a declared Content-Length: the read that
crosses the limit raises a 413 problem, and nothing larger is ever buffered.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import problems
from stint.kit import tracing
from stint.kit.grpc import safe_request_id
from stint.kit.logctx import request_id_var

REQUESTS = Counter(
    "stint_http_requests_total", "HTTP requests handled.", ["method", "route", "status"]
)
LATENCY = Histogram("stint_http_request_seconds", "HTTP request latency.", ["method", "route"])
REQUEST_ID = "X-Request-ID"
_log = logging.getLogger("gateway.access")


def too_large() -> problems.ProblemError:
    return problems.ProblemError(413, "payload-too-large", "Request body too large")


class RequestContext:
    """Assigns `request.state.request_id` (the caller's X-Request-ID when it is 1 to 128 of
    `A-Z a-z 0-9 . _ : -`, else a new one), echoes it on the response, refuses bodies over
    `max_body` bytes with 413, and counts requests by route template and status."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        incoming = headers.get(REQUEST_ID, "")
        request_id = incoming if safe_request_id(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        # Every log line of this request (the access line too) carries its id.
        token = request_id_var.set(request_id)
        tracing.annotate({"stint.request_id": request_id})  # find a request's trace by its id
        try:
            await self._handle(scope, receive, send, request_id)
        finally:
            request_id_var.reset(token)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        headers = Headers(scope=scope)
        started = time.perf_counter()
        status = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID] = request_id
            await send(message)

        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            response = await problems.handle_problem(Request(scope), too_large())
            await response(scope, receive, send_with_id)
        else:
            await self.app(scope, self._limited(receive), send_with_id)
        route: Any = scope.get("route")
        name = getattr(route, "path", "unmatched")
        method = scope["method"]
        elapsed = time.perf_counter() - started
        REQUESTS.labels(method, name, str(status[0])).inc()
        LATENCY.labels(method, name).observe(elapsed)
        if status[0] >= 400:  # every refusal and failure gets a line; successes only metrics
            _log.log(
                logging.WARNING if status[0] >= 500 else logging.INFO,
                "http %s %s %d",
                method,
                name,
                status[0],
                extra={"http_status": status[0], "route": name, "duration_ms": elapsed * 1e3},
            )

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise too_large()
            return message

        return limited
