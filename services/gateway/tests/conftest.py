"""Gateway test helpers: an app with its lifespan running, and tokens for each role."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.app import create_app
from gateway.auth import issue_dev_token
from gateway.config import GatewaySettings

SECRET = "test-secret-for-gateway-tests-only"


def settings(**overrides: Any) -> GatewaySettings:
    base: dict[str, Any] = {"jwt_secret": SECRET, "grpc_deadline_seconds": 2.0}
    return GatewaySettings(**(base | overrides))


def token(role: str, org: str = "", sub: str = "u1", ttl: int = 600) -> dict[str, str]:
    jwt = issue_dev_token(SECRET, subject=sub, role=role, org=org, ttl_seconds=ttl)
    return {"Authorization": f"Bearer {jwt}"}


@asynccontextmanager
async def client(config: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, with the app's lifespan (backends, idempotency store) running."""
    app: FastAPI = create_app(config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            yield c


Headers = Callable[..., dict[str, str]]
