"""Every route x every role: a role that may never call it gets 403; a role that may gets past
authentication and authorization (here to a 503, since no backend runs); no token is 401 on
every protected route; public routes never ask for one. Tenant checks (404 for another tenant's
resource) are the services' and are exercised in test_lifecycle.py."""

from __future__ import annotations

import re

import pytest

from gateway.routes import all_routes
from gateway.routing import Route
from stint.kit.mongo import Database

from ..conftest import client, settings, token
from .test_http_edges import DEAD_BACKENDS

ROLES = {"student": "", "employer": "cmp_1", "university": "uni_1", "admin": ""}


def _url(route: Route) -> str:
    return re.sub(r"{(\w+)}", lambda m: f"x_{m.group(1)}", route.path)


async def test_every_route_enforces_its_roles(mongo_db: Database, infra: object) -> None:
    config = settings(
        mongo_database=mongo_db.name,
        rate_limit_burst=10_000,
        failed_auth_burst=10_000,  # the matrix sends hundreds of 401s from one client
        **DEAD_BACKENDS,
    )
    failures: list[str] = []
    async with client(config) as c:
        for route in all_routes():
            body = {} if route.method in ("POST", "PUT", "PATCH") else None
            anonymous = await c.request(route.method, _url(route), json=body)
            if route.roles is None:
                if anonymous.status_code in (401, 403):
                    failures.append(
                        f"{route.method} {route.path}: public but {anonymous.status_code}"
                    )
                continue
            if anonymous.status_code != 401:
                failures.append(
                    f"{route.method} {route.path}: no token gave {anonymous.status_code}"
                )
            for role, org in ROLES.items():
                got = (
                    await c.request(route.method, _url(route), json=body, headers=token(role, org))
                ).status_code
                allowed = role in route.roles
                if allowed and got in (401, 403):
                    failures.append(f"{route.method} {route.path}: {role} refused with {got}")
                if not allowed and got != 403:
                    failures.append(f"{route.method} {route.path}: {role} got {got}, expected 403")
    assert failures == []


@pytest.mark.parametrize("path", ["/v1/experience-records/verify"])
async def test_public_routes_need_no_token(mongo_db: Database, infra: object, path: str) -> None:
    async with client(settings(mongo_database=mongo_db.name, **DEAD_BACKENDS)) as c:
        response = await c.post(path, json={"jws": "a.b.c"})
    assert response.status_code == 503  # reached the (stopped) backend without a token
