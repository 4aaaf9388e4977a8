"""The gateway's own behaviour at the HTTP edge (the idempotency store needs the database)."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from stint.kit.logging import JsonFormatter
from stint.kit.mongo import Database

from ..conftest import client, settings, token

# Nothing listens here: every backend call fails fast as UNAVAILABLE.
DEAD = "127.0.0.1:1"
DEAD_BACKENDS = {
    f"{b}_addr": DEAD
    for b in ("postings", "applications", "submissions", "payouts", "notifications", "outcomes")
}


@pytest.fixture
def config(mongo_db: Database, infra: object) -> object:
    return settings(mongo_database=mongo_db.name, **DEAD_BACKENDS)


async def test_missing_and_bad_tokens_are_401_problems(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        missing = await c.get("/v1/postings")
        forged = await c.get("/v1/postings", headers={"Authorization": "Bearer not.a.jwt"})
        expired = await c.get("/v1/postings", headers=token("student", ttl=-120))
    for response in (missing, forged, expired):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "https://stint.dev/problems/unauthenticated"
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert "expired" in expired.json()["detail"]


async def test_a_role_that_may_never_do_it_gets_403(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        response = await c.post("/v1/postings", json={}, headers=token("student"))
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")


async def test_an_employer_token_without_org_is_refused(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        response = await c.get("/v1/postings", headers=token("employer", org=""))
    assert response.status_code == 401


async def test_a_stopped_backend_is_a_503_within_the_deadline_not_a_hang(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        started = time.monotonic()
        response = await c.get("/v1/postings", headers=token("student"))
        elapsed = time.monotonic() - started
        async with httpx.AsyncClient() as ops:
            ready = await ops.get(f"{c.ops_url}/readyz")
            metrics = await ops.get(f"{c.ops_url}/metrics")
        on_api = [(await c.get(path)).status_code for path in ("/metrics", "/readyz", "/healthz")]
    assert response.status_code == 503
    assert response.json()["type"].endswith("/backend-unavailable")
    assert response.headers["retry-after"]
    assert elapsed < 2.0 + 1.0  # the configured deadline, plus slack for a loaded machine
    assert ready.status_code == 503
    assert ready.json()["checks"]["postings"] is False
    assert ready.json()["checks"]["mongo"] is True
    assert "stint_http_requests_total" in metrics.text
    assert on_api == [404, 404, 404]  # the public port serves the API only


async def test_request_ids_are_echoed_or_generated_and_carried_in_problems(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        given = await c.get("/v1/postings", headers={"X-Request-ID": "req-42"})
        generated = await c.get("/v1/postings")
    assert given.headers["x-request-id"] == "req-42"
    assert given.json()["request_id"] == "req-42"
    assert len(generated.headers["x-request-id"]) == 32


@pytest.mark.parametrize("given", ["réq-1", "a b", "x" * 129, "id\u202e", "ok;drop"])
async def test_request_ids_outside_the_safe_alphabet_are_replaced(
    config: object, given: str
) -> None:
    """They would travel on as gRPC metadata (ASCII only) and into logs: replaced, never a 500."""
    async with client(config) as c:  # type: ignore[arg-type]
        response = await c.get("/v1/postings", headers={"X-Request-ID": given.encode()})
    assert response.status_code < 500
    assert response.headers["x-request-id"] != given
    assert len(response.headers["x-request-id"]) == 32


async def test_invalid_body_is_422_with_field_errors(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        unknown_field = await c.post(
            "/v1/postings", json={"titel": "x"}, headers=token("employer", "acme")
        )
        not_json = await c.post("/v1/postings", content=b"{", headers=token("employer", "acme"))
    assert unknown_field.status_code == 422
    assert unknown_field.json()["errors"]
    assert not_json.status_code == 400


async def test_rate_limit_answers_429_with_retry_after(mongo_db: Database, infra: object) -> None:
    tight = settings(
        mongo_database=mongo_db.name,
        rate_limit_per_second=0.01,
        rate_limit_burst=2,
        **DEAD_BACKENDS,
    )
    async with client(tight) as c:
        statuses = [
            (await c.get("/v1/postings", headers=token("student", sub="greedy"))).status_code
            for _ in range(3)
        ]
        other = await c.get("/v1/postings", headers=token("student", sub="someone-else"))
        limited = await c.get("/v1/postings", headers=token("student", sub="greedy"))
    assert statuses[:2] == [503, 503]  # allowed through (the backend is down)
    assert statuses[2] == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert other.status_code == 503  # buckets are per subject


async def test_openapi_documents_every_route_with_schemas(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        spec = (await c.get("/openapi.json")).json()
    create = spec["paths"]["/v1/postings"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["properties"]["title"]
    assert "201" in create["responses"]
    assert "422" in create["responses"]
    assert spec["components"]["schemas"]["stint.postings.v1.Posting"]["properties"]["fee"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


async def test_method_not_allowed_names_every_method_of_the_path(config: object) -> None:
    async with client(config) as c:  # type: ignore[arg-type]
        refused = await c.delete("/v1/postings", headers=token("employer", "acme"))
        one = await c.put("/v1/postings/pst_1", headers=token("employer", "acme"))
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, POST"
    assert refused.json()["code"] == "METHOD_NOT_ALLOWED"
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert one.headers["allow"] == "GET, PATCH"


async def test_one_endpoint_two_rpcs_chosen_by_the_body_is_a_table_row(config: object) -> None:
    """University approvals: `decision` picks the RPC; the body is documented as the union."""
    path = "/v1/postings/pst_1/university-approvals"
    office = token("university", "uni_1")
    async with client(config) as c:  # type: ignore[arg-type]
        spec = (await c.get("/openapi.json")).json()
        unknown = await c.post(path, json={"decision": "maybe"}, headers=office)
        missing = await c.post(path, json={"reason": "no"}, headers=office)
        not_text = await c.post(path, json={"decision": {}}, headers=office)
        # Known decisions get past the gateway's own checks (to a 503: no backend runs here),
        # a decline's `reason` sent with an approval too.
        approve = await c.post(path, json={"decision": "approve", "reason": "ok"}, headers=office)
        decline = await c.post(path, json={"decision": "decline", "reason": "no"}, headers=office)
        student = await c.post(path, json={"decision": "approve"}, headers=token("student"))
    body = spec["paths"][path.replace("pst_1", "{posting_id}")]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["properties"]["decision"]["enum"] == ["approve", "decline"]
    assert {"reason", "university_id"} <= set(schema["properties"])
    assert schema["required"] == ["decision"]
    for refused in (unknown, missing, not_text):
        assert refused.status_code == 422, refused.text
        assert "decision" in refused.json()["detail"]
    assert (approve.status_code, decline.status_code) == (503, 503)
    assert student.status_code == 403


async def test_bodies_over_the_limit_are_413_also_when_chunked(config: object) -> None:
    """A declared length over the limit, and a chunked body (no Content-Length) that grows
    past it, both get a 413 problem; the chunked one is not read to its end."""
    limited = config.model_copy(update={"max_body_bytes": 1024})  # type: ignore[attr-defined]
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 1,000 x 1 KiB: far more than the limit
            sent += 1
            yield b" " * 1024

    async with client(limited) as c:
        declared = await c.post(
            "/v1/postings", content=b"{" + b" " * 4096 + b"}", headers=token("employer", "acme")
        )
        chunked = await c.post("/v1/postings", content=chunks(), headers=token("employer", "acme"))
    assert declared.status_code == 413
    assert chunked.status_code == 413
    assert chunked.headers["content-type"].startswith("application/problem+json")
    assert chunked.json()["type"].endswith("payload-too-large")
    assert sent < 1000


async def test_every_refusal_and_failure_is_logged_with_its_request_id(config: object) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("gateway"))  # formats at emit, as in production
    access = logging.getLogger("gateway.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        async with client(config) as c:  # type: ignore[arg-type]
            await c.get("/v1/postings", headers={"X-Request-ID": "req-unauth"})  # 401
            await c.get("/v1/postings", headers=token("student") | {"X-Request-ID": "req-503"})
    finally:
        access.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    seen = {(line["level"], line["request_id"]) for line in lines}
    assert ("info", "req-unauth") in seen
    assert ("warning", "req-503") in seen
