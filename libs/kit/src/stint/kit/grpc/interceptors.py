"""The one server interceptor every Stint gRPC server runs (design.md §4, §9).

For each RPC it binds the caller and request id (context variables read by handlers and by the
JSON log formatter), maps `StintError` to its status code and an unreachable database to
UNAVAILABLE (the caller may retry: the gateway answers 503 with Retry-After), turns any other
exception into a generic INTERNAL error, records Prometheus metrics and writes one access-log
line.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing, contextmanager, suppress
from types import TracebackType
from typing import Any, NoReturn

import grpc
from google.protobuf.message import Message
from prometheus_client import Counter, Histogram
from pymongo.errors import ConnectionFailure

from stint.kit import validation
from stint.kit.errors import StintError
from stint.kit.grpc.identity import (
    REQUEST_ID_KEY,
    Caller,
    caller_scope,
    request_id_from_metadata,
)
from stint.kit.grpc.service_identity import IdentityVerifier
from stint.kit.grpc.stalls import log_where_it_waited
from stint.kit.grpc.status import error_to_status
from stint.kit.logctx import request_id_var
from stint.kit.mongo import DATABASE_OUTAGE

# Module-level, hence registered once per process however many servers a test builds.
HANDLED = Counter(
    "stint_grpc_server_handled_total",
    "RPCs completed by the server, by status code.",
    ["service", "method", "code"],
)
HANDLING_SECONDS = Histogram(
    "stint_grpc_server_handling_seconds",
    "Time from the start of an RPC to its completion.",
    ["service", "method"],
)

_log = logging.getLogger(__name__)
# Probes and tooling call these constantly; their access lines are debug-only.
_QUIET_PREFIXES = ("/grpc.health.", "/grpc.reflection.")

Behavior = Callable[[Any, Any], Any]
DATABASE_UNAVAILABLE = "the database is unavailable; retry shortly"


_HANDLER_KINDS: dict[tuple[bool, bool], tuple[str, Callable[..., Any]]] = {
    (False, False): ("unary_unary", grpc.unary_unary_rpc_method_handler),
    (False, True): ("unary_stream", grpc.unary_stream_rpc_method_handler),
    (True, False): ("stream_unary", grpc.stream_unary_rpc_method_handler),
    (True, True): ("stream_stream", grpc.stream_stream_rpc_method_handler),
}


class _Rpc:
    """One RPC's bookkeeping; as a context manager it spans the whole call."""

    def __init__(self, service: str, method: str, context: Any, identity: IdentityVerifier) -> None:
        self._service = service
        self._identity = identity
        self._method = method.lstrip("/")
        self._quiet = method.startswith(_QUIET_PREFIXES)
        self._context = context
        self._metadata = tuple(context.invocation_metadata() or ())
        self.request_id = request_id_from_metadata(self._metadata)
        self._finished = False

    def __enter__(self) -> _Rpc:
        self._started = time.perf_counter()
        # Bound before identity is checked, so that even a rejected call logs its request id.
        self._token = request_id_var.set(self.request_id)
        # Echoed to the client; a handler that sets its own trailing metadata replaces it.
        self._context.set_trailing_metadata(((REQUEST_ID_KEY, self.request_id),))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and not issubclass(exc_type, Exception):
            self._finish(self._interrupted_code())  # client gone, deadline passed, shutdown
            log_where_it_waited(self._method, time.perf_counter() - self._started, tb)
        else:  # returned, or aborted by the handler itself
            code = self._context.code() or grpc.StatusCode.OK
            if code == grpc.StatusCode.OK:
                DATABASE_OUTAGE.served()
            self._finish(code)
        with suppress(ValueError):  # finalized in another context: see `caller_scope`
            request_id_var.reset(self._token)

    def _interrupted_code(self) -> grpc.StatusCode:
        # grpc.aio cancels the handler either way; only the clock tells the two apart.
        remaining = self._context.time_remaining()
        if remaining is not None and remaining <= 0:
            return grpc.StatusCode.DEADLINE_EXCEEDED
        return grpc.StatusCode.CANCELLED

    def _finish(self, code: grpc.StatusCode) -> None:
        """Count and log the outcome, once."""
        if self._finished:
            return
        self._finished = True
        elapsed = time.perf_counter() - self._started
        HANDLED.labels(self._service, self._method, code.name).inc()
        HANDLING_SECONDS.labels(self._service, self._method).observe(elapsed)
        _log.log(
            logging.DEBUG if self._quiet else logging.INFO,
            "grpc %s %s",
            self._method,
            code.name,
            extra={
                "grpc_method": self._method,
                "grpc_code": code.name,
                "duration_ms": elapsed * 1e3,
            },
        )

    @contextmanager
    def caller(self) -> Iterator[None]:
        """Bind the verified caller; raises `Unauthenticated` without a valid identity token.

        Health checks and reflection are open (probes carry no token) and run as anonymous.
        """
        if self._quiet:
            caller = Caller.anonymous(self.request_id)
        else:
            caller = self._identity.caller(self._metadata, self.request_id)
        with caller_scope(caller):
            yield

    async def fail(self, exc: BaseException) -> NoReturn:
        """Turn `exc` into the RPC's final status; always raises.

        The outcome is recorded before aborting, because abort sends the status at once and a
        client (or test) may look at metrics and logs as soon as it has the status.
        """
        if isinstance(exc, StintError):
            status = error_to_status(exc)
            self._finish(status.code)
            metadata = (*status.trailing_metadata, (REQUEST_ID_KEY, self.request_id))
            await self._context.abort(status.code, status.details, metadata)
        elif isinstance(exc, ConnectionFailure):  # an outage, not a bug: no traceback
            DATABASE_OUTAGE.refusing(f"grpc {self._method}", exc)
            self._finish(grpc.StatusCode.UNAVAILABLE)
            await self._context.abort(
                grpc.StatusCode.UNAVAILABLE,
                DATABASE_UNAVAILABLE,
                ((REQUEST_ID_KEY, self.request_id),),
            )
        elif isinstance(exc, Exception) and not isinstance(exc, grpc.aio.AbortError):
            _log.exception("unhandled error in %s", self._method)
            self._finish(grpc.StatusCode.INTERNAL)
            # Generic on purpose: exception text may hold internals; the id finds the log line.
            details = f"internal error (request id {self.request_id})"
            await self._context.abort(
                grpc.StatusCode.INTERNAL, details, ((REQUEST_ID_KEY, self.request_id),)
            )
        # The handler's own abort, cancellation, GeneratorExit: the status stands as it is.
        raise exc


class ServerInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    """Identity, request validation, error mapping, metrics and logging for every RPC of a server.

    Unary requests are checked against their protos' `buf.validate` rules
    (`stint.kit.validation`) before the handler runs: INVALID_ARGUMENT naming every field.

    `service` is the deployable's name (the ``service`` metric label, e.g. ``postings``);
    `identity` verifies the gateway's token on every RPC but health checks and reflection.
    Handlers written as coroutines or async generators are wrapped, whatever their streaming
    kind; sync handlers (which grpc.aio runs in a thread pool) are left untouched.
    """

    def __init__(self, service: str, identity: IdentityVerifier) -> None:
        self._service = service
        self._identity = identity

    async def intercept_service(
        self, continuation: Callable[[Any], Any], handler_call_details: Any
    ) -> Any:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None  # unknown method: grpc answers UNIMPLEMENTED itself
        kind = (handler.request_streaming, handler.response_streaming)
        attribute, factory = _HANDLER_KINDS[kind]
        wrapped = self._wrap(handler_call_details.method, getattr(handler, attribute))
        if wrapped is None:
            return handler
        return factory(
            wrapped,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    def _wrap(self, method: str, behavior: Behavior) -> Behavior | None:
        service, identity = self._service, self._identity
        # grpc.aio picks its calling convention by inspecting the function, so each wrapper
        # must be of the same kind as the behaviour it wraps.
        if inspect.isasyncgenfunction(behavior):

            async def streaming(request: Any, context: Any) -> AsyncIterator[Any]:
                with _Rpc(service, method, context, identity) as rpc:
                    try:
                        with rpc.caller():
                            async with aclosing(behavior(request, context)) as responses:
                                async for response in responses:
                                    yield response
                    except BaseException as exc:
                        await rpc.fail(exc)

            return streaming
        if inspect.iscoroutinefunction(behavior):

            async def coroutine(request: Any, context: Any) -> Any:
                with _Rpc(service, method, context, identity) as rpc:
                    try:
                        with rpc.caller():
                            if isinstance(request, Message):  # a unary request: its proto rules
                                validation.check(request)
                            return await behavior(request, context)
                    except BaseException as exc:
                        await rpc.fail(exc)

            return coroutine
        return None
