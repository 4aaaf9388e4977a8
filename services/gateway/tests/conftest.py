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
    # ops_port 0: any free port, so tests never collide with a running gateway's 9100.
    base: dict[str, Any] = {"jwt_secret": SECRET, "grpc_deadline_seconds": 2.0, "ops_port": 0}
    return GatewaySettings(**(base | overrides))


def token(role: str, org: str = "", sub: str = "u1", ttl: int = 600) -> dict[str, str]:
    jwt = issue_dev_token(SECRET, subject=sub, role=role, org=org, ttl_seconds=ttl)
    return {"Authorization": f"Bearer {jwt}"}


async def verify_company(c: httpx.AsyncClient, company_id: str) -> None:
    """An admin verifies the company, so its clean postings open on publish (no review)."""
    verified = await c.post(
        f"/v1/companies/{company_id}/verification",
        json={"status": "VERIFICATION_STATUS_VERIFIED", "domain": "example.com"},
        headers=token("admin", sub="usr_verifier"),
    )
    assert verified.status_code == 200, verified.text


class GatewayClient(httpx.AsyncClient):
    """A client of the API; `ops_url` is the gateway's ops server (/metrics, /readyz)."""

    ops_url = ""


@asynccontextmanager
async def client(config: GatewaySettings) -> AsyncIterator[GatewayClient]:
    """An HTTP client on the app, with the app's lifespan (backends, idempotency store) running."""
    app: FastAPI = create_app(config)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with GatewayClient(transport=transport, base_url="http://gateway.test") as c:
            c.ops_url = f"http://127.0.0.1:{app.state.ops.port}"
            yield c


Headers = Callable[..., dict[str, str]]
