"""The gateway application: middleware, error handlers, operations endpoints and resources."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import grpc
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gateway import problems
from gateway.auth import TokenVerifier
from gateway.backends import Backends
from gateway.config import GatewaySettings
from gateway.context import GatewayContext
from gateway.idempotency import IdempotencyStore
from gateway.protojson import SchemaRegistry
from gateway.ratelimit import TokenBuckets
from gateway.request_context import REQUEST_ID, RequestContext
from gateway.routes import all_routes, postings
from gateway.routing import install
from stint.kit.clock import SystemClock
from stint.kit.grpc import IdentitySigner
from stint.kit.mongo import create_mongo_client


def create_app(settings: GatewaySettings) -> FastAPI:
    registry = SchemaRegistry()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        mongo = create_mongo_client(settings.mongo_uri, app_name="gateway")
        store = IdempotencyStore(
            mongo[settings.database_name]["idempotency"],
            SystemClock(),
            timedelta(hours=settings.idempotency_ttl_hours),
        )
        await store.ensure_indexes()
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
        purge = asyncio.create_task(_purge_forever(store))
        try:
            yield
        finally:
            purge.cancel()
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
    _operations(app)
    install(app, all_routes(), registry)
    postings.install_extra(app)
    app.openapi = lambda: _openapi(app, registry)  # type: ignore[method-assign]
    return app


async def _purge_forever(store: IdempotencyStore) -> None:
    while True:
        with contextlib.suppress(Exception):
            await store.purge_expired()
        await asyncio.sleep(300)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    problem = problems.Problem(
        type=problems.TYPE_BASE + "internal", title="Internal error", status=500
    )
    return problems.problem_response(request, problem)


def _operations(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="Readiness: every backend answers its gRPC health check",
        responses={503: {"description": "A backend is not serving"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        checks = await request.app.state.ctx.backends.health()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ok else "not_ready", "backends": checks},
            status_code=200 if ok else 503,
        )

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _openapi(app: FastAPI, registry: SchemaRegistry) -> dict[str, Any]:
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
