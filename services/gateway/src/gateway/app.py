"""The gateway application: middleware, error handlers, operations endpoints and resources."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from datetime import timedelta

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pymongo.errors import ConnectionFailure
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateway import asyncapi, input_rules, openapi, problems
from gateway.auth import TokenVerifier
from gateway.backends import Backends
from gateway.config import GatewaySettings
from gateway.context import GatewayContext
from gateway.idempotency import IdempotencyStore
from gateway.ratelimit import TokenBuckets
from gateway.request_context import REQUEST_ID, RequestContext
from gateway.routes import all_routes
from gateway.routing import install
from stint.kit import tracing
from stint.kit.clock import SystemClock
from stint.kit.grpc import IdentitySigner
from stint.kit.jsonschema import SchemaRegistry
from stint.kit.mongo import MongoClient, create_mongo_client, ping
from stint.kit.ops_http import OpsServer, ReadinessCheck


def create_app(settings: GatewaySettings) -> FastAPI:
    registry = SchemaRegistry(text=input_rules.FORBIDDEN_TEXT, time=input_rules.TIME_PATTERN)
    # Before the database client and the channels exist (the instrumentations attach to them).
    tracing.configure(settings.service_name, settings.trace_exporter, settings.trace_dir)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # 2 s, not the kit's 5: a database outage becomes a prompt 503, not a stalled request.
        mongo = create_mongo_client(settings.mongo_uri, app_name="gateway", timeout_ms=2000)
        store = IdempotencyStore(
            mongo[settings.database_name]["idempotency"],
            SystemClock(),
            timedelta(hours=settings.idempotency_ttl_hours),
            # A pending key outlives its request by a little: the backend call's deadline.
            lease=timedelta(seconds=settings.grpc_deadline_seconds + 2),
        )
        backends = Backends(
            settings.backend_addresses(),
            settings.grpc_deadline_seconds,
            IdentitySigner(settings.identity_private_key.get_secret_value()),
        )
        app.state.ctx = GatewayContext(
            settings,
            TokenVerifier(settings),
            backends,
            store,
            TokenBuckets(settings.rate_limit_per_second, settings.rate_limit_burst),
            TokenBuckets(settings.failed_auth_per_second, settings.failed_auth_burst),
        )
        ops = _ops_server(settings, backends, mongo)
        await ops.start()
        ops.ready = True
        app.state.ops = ops
        purge = asyncio.create_task(_purge_forever(store))
        try:
            yield
        finally:
            purge.cancel()
            await ops.stop()
            await backends.close()
            await mongo.close()

    app = FastAPI(
        title="Stint API",
        version="1.0.0",
        lifespan=lifespan,
        docs_url="/docs",
        description="Micro-internships: postings, applications, engagements, payouts.",
    )
    app.add_exception_handler(problems.ProblemError, problems.handle_problem)
    app.add_exception_handler(grpc.aio.AioRpcError, problems.handle_rpc_error)
    app.add_exception_handler(RequestValidationError, problems.handle_validation)
    app.add_exception_handler(StarletteHTTPException, problems.handle_http)
    app.add_exception_handler(ConnectionFailure, problems.handle_database_outage)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(RequestContext, max_body=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REQUEST_ID, "Location"],
        )
    if settings.forwarded_allow_ips:
        # Outermost, so the rate limits and logs see the client the trusted proxy names.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    if provider := tracing.provider():
        # The server span of each request (outermost); the documents are not traced.
        FastAPIInstrumentor.instrument_app(
            app,
            tracer_provider=provider,
            excluded_urls="docs,openapi.json,asyncapi.json,contracts/",
        )
    install(app, all_routes(), registry)
    app.openapi = lambda: openapi.document(app, registry)  # type: ignore[method-assign]
    published = settings.asyncapi_kafka_servers or settings.kafka_bootstrap
    asyncapi.install(app, published)  # /asyncapi.json, /contracts/stint.binpb
    return app


async def _purge_forever(store: IdempotencyStore) -> None:
    """Indexes first (retried: the gateway starts, and answers 503 for keyed requests, while its
    database is down), then the hourly purge."""
    while True:
        try:
            await store.ensure_indexes()
            break
        except ConnectionFailure:
            await asyncio.sleep(5)
    while True:
        with contextlib.suppress(Exception):
            await store.purge_expired()
        await asyncio.sleep(300)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    problem = problems.Problem(
        type=problems.TYPE_BASE + "internal", title="Internal error", status=500, code="INTERNAL"
    )
    return problems.problem_response(request, problem)


def _ops_server(settings: GatewaySettings, backends: Backends, mongo: MongoClient) -> OpsServer:
    """The kit's ops server (/metrics, /healthz, /readyz) on the ops port. Ready: the gateway's
    own database answers and every backend reports SERVING (probes that must not drop the whole
    API for one backend's outage use /healthz; the gateway answers 503 for that backend's
    routes itself)."""
    checks: dict[str, ReadinessCheck] = {"mongo": lambda: ping(mongo)}
    for name in backends.channels:
        checks[name] = functools.partial(backends.serving, name)
    return OpsServer(settings.ops_host, settings.ops_port, checks)
