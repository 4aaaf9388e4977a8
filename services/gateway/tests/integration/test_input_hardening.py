"""What the edge refuses before any backend is asked (issue 14): every case here was a 500, a
stored attack string or a bypass before, and is a clear 4xx problem now."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest

from stint.kit.mongo import Database

from ..conftest import SECRET, client, settings, token
from .test_http_edges import DEAD_BACKENDS

PUBLIC = "/v1/.well-known/jwks.json"  # anonymous: rate-limited by client address
EMPLOYER = {"Content-Type": "application/json", **token("employer", org="cmp_acme")}


@pytest.fixture
def config(mongo_db: Database, infra: object) -> Any:
    return settings(mongo_database=mongo_db.name, **DEAD_BACKENDS)


def _nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": ' + _nested(1000) + b"}",  # RecursionError in the protobuf parser before
        b'{"title": ' + _nested(100_000) + b"}",  # RecursionError in json itself
        b'{"hours": NaN}',
        b'{"hours": Infinity}',
        b'{"title": "\xff\xfe"}',  # not UTF-8
    ],
)
async def test_deep_or_non_json_bodies_are_400_never_500(config: Any, body: bytes) -> None:
    async with client(config) as c:
        response = await c.post("/v1/postings", content=body, headers=EMPLOYER)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Data \x00analyst", "0000"),
        ("Data \x1b[31manalyst", "001B"),
        ("Invoice \u202egnp.exe", "202E"),
        ("isolate \u2066x\u2069", "2066"),
        ("C1 \x85 control", "0085"),
    ],
)
async def test_control_and_bidi_characters_are_field_errors(
    config: Any, text: str, code: str
) -> None:
    async with client(config) as c:
        response = await c.post("/v1/postings", json={"title": text}, headers=EMPLOYER)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert errors == [{"field": "title", "description": errors[0]["description"]}]
    assert f"U+{code}" in errors[0]["description"]


async def test_nested_text_is_checked_with_its_path(config: Any) -> None:
    body = {"title": "ok", "skills": ["sql", "ex\u202ecel"]}
    async with client(config) as c:
        response = await c.post("/v1/postings", json=body, headers=EMPLOYER)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["skills[1]"]


async def test_a_lone_surrogate_is_a_field_error(config: Any) -> None:
    async with client(config) as c:
        response = await c.post("/v1/postings", content=b'{"title": "x\\ud800y"}', headers=EMPLOYER)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"


async def test_newlines_and_tabs_stay_allowed(config: Any) -> None:
    async with client(config) as c:
        response = await c.post(
            "/v1/postings", json={"description": "line one\n\tline two"}, headers=EMPLOYER
        )
    assert response.status_code == 503  # passed the edge, reached the (stopped) backend


@pytest.mark.parametrize(
    "due", ["9999-12-31T00:00:00Z", "2100-01-01T00:00:00Z", "1969-12-31T23:59:59Z"]
)
async def test_dates_outside_1970_to_2100_are_field_errors(config: Any, due: str) -> None:
    async with client(config) as c:
        response = await c.post("/v1/postings", json={"due_date": due}, headers=EMPLOYER)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "due_date"


async def test_query_text_is_checked_too(config: Any) -> None:
    async with client(config) as c:
        response = await c.get("/v1/postings", params={"q": "a\u202eb"}, headers=token("student"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "q"


async def test_null_is_not_a_value_leave_the_field_out(config: Any) -> None:
    # protobuf read null as "unset"; the document never allows it: one spelling of "absent".
    async with client(config) as c:
        response = await c.post(
            "/v1/postings", json={"title": "Sizing", "skills": None}, headers=EMPLOYER
        )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["skills"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/postings", {"status": "1"}, "status"),  # a number: protobuf would take it
        ("/v1/postings", {"status": "POSTING_STATUS_UNSPECIFIED"}, "status"),
        ("/v1/webhooks/endpoints/whe_1/messages", {"status": "0"}, "status"),
        ("/v1/postings", [("page_size", "5"), ("page_size", "50")], "page_size"),
        ("/v1/postings", {"currency": "usd", "fee_min": "100"}, "currency"),
        ("/v1/postings", {"fee_min": "100"}, "currency"),
    ],
)
async def test_query_parameters_take_what_the_document_lists(
    config: Any, path: str, params: Any, field: str
) -> None:
    async with client(config) as c:
        response = await c.get(path, params=params, headers=EMPLOYER)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_fields_the_gateway_fills_are_not_the_bodys(config: Any) -> None:
    # PATCH: the fields present are the change; a body naming them itself is refused.
    async with client(config) as c:
        response = await c.patch(
            "/v1/webhooks/endpoints/whe_1",
            json={"enabled": False, "update_paths": ["url"]},
            headers=EMPLOYER,
        )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"field": "update_paths", "description": "unknown field"}]


def _signed(**claims: Any) -> dict[str, str]:
    now = int(time.time())
    base = {"iss": "stint", "aud": "stint-gateway", "iat": now, "exp": now + 600}
    return {"Authorization": f"Bearer {jwt.encode(base | claims, SECRET, algorithm='HS256')}"}


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u1", "role": ["admin"]},
        {"sub": "u1", "role": {"admin": True}},
        {"sub": "u1", "role": 7},
        {"sub": "usér", "role": "student"},
        {"sub": "u1\nadmin", "role": "student"},
        {"sub": "u 1", "role": "student"},
        {"sub": ["u1"], "role": "student"},
        {"sub": "u1", "role": "employer", "org": "cmp\u202eacme"},
        {"sub": "u1", "role": "employer", "org": {"id": "cmp_acme"}},
        {"sub": "u" * 201, "role": "student"},
    ],
)
async def test_validly_signed_tokens_with_malformed_claims_are_401(
    config: Any, claims: dict[str, Any]
) -> None:
    async with client(config) as c:
        response = await c.get("/v1/me/applications", headers=_signed(**claims))
    assert response.status_code == 401, response.text


async def test_failed_authentications_are_rate_limited_per_client(config: Any) -> None:
    config = config.model_copy(update={"failed_auth_burst": 3})
    bad = {"Authorization": "Bearer not.a.jwt"}
    async with client(config) as c:
        answers = [(await c.get("/v1/me/applications", headers=bad)).status_code for _ in range(3)]
        limited = await c.get("/v1/me/applications", headers=bad)
        valid = await c.get("/v1/me/applications", headers=token("student"))
    assert answers == [401, 401, 401]
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert "failed authentications" in limited.json()["detail"]
    assert valid.status_code == 429  # the client is held off, whatever it sends now


@pytest.mark.parametrize(("trusted", "separate"), [("", False), ("127.0.0.1", True)])
async def test_forwarded_for_is_believed_only_from_configured_proxies(
    config: Any, trusted: str, separate: bool
) -> None:
    # The test client's peer address is 127.0.0.1.
    config = config.model_copy(
        update={
            "rate_limit_burst": 2,
            "rate_limit_per_second": 0.01,
            "forwarded_allow_ips": trusted,
        }
    )
    async with client(config) as c:
        codes = [
            (await c.get(PUBLIC, headers={"X-Forwarded-For": f"203.0.113.{n}"})).status_code
            for n in range(3)
        ]
    assert (429 not in codes) is separate, codes


def test_the_edge_rules_do_not_reject_plain_text() -> None:
    from gateway.input_rules import parse_body

    body = {"title": "Données — 市场研究 ✓", "n": [1, 2, {"a": "b"}]}
    assert parse_body(json.dumps(body).encode()) == body
