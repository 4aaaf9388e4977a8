"""Oversize, deep and odd input at the live gateway (issue 14, items 2, 5, 6): each is a clear
4xx problem, never a 5xx, and nothing odd is stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx

from ..e2e.conftest import auth
from .conftest import Tally
from .postings import posting

EMPLOYER = auth("employer", "usr_odd", "cmp_odd") | {"Content-Type": "application/json"}
STUDENT = auth("student", "usr_odd_student")
MIB = 1024 * 1024


async def _chunks(total: int) -> AsyncIterator[bytes]:
    yield b'{"title": "'
    sent = 0
    while sent < total:
        yield b"x" * 65536
        sent += 65536
    yield b'"}'


def _deep(depth: int) -> bytes:
    return b'{"title": ' + b"[" * depth + b"]" * depth + b"}"


# (name, method, path, request options, statuses that are a correct answer)
Case = tuple[str, str, str, dict[str, Any], set[int]]
CASES: list[Case] = [
    ("2 MiB body", "POST", "/v1/postings", {"content": b"{" + b" " * 2 * MIB + b"}"}, {413}),
    ("48 MiB chunked body", "POST", "/v1/postings", {"content": _chunks(48 * MIB)}, {413}),
    ("JSON nested 1,000 deep", "POST", "/v1/postings", {"content": _deep(1000)}, {400}),
    ("JSON nested 100,000 deep", "POST", "/v1/postings", {"content": _deep(100_000)}, {400}),
    ("NaN", "POST", "/v1/postings", {"content": b'{"estimated_hours": NaN}'}, {400}),
    ("not UTF-8", "POST", "/v1/postings", {"content": b'{"title": "\xff"}'}, {400}),
    ("not an object", "POST", "/v1/postings", {"content": b"[1, 2]"}, {422}),
    ("a string body", "POST", "/v1/postings", {"content": b'"x"'}, {422}),
    ("NUL in a title", "POST", "/v1/postings", {"json": posting(title="a\x00b")}, {422}),
    ("ESC in a title", "POST", "/v1/postings", {"json": posting(title="\x1b[2Jx")}, {422}),
    ("RLO in a title", "POST", "/v1/postings", {"json": posting(title="cv\u202efdp.exe")}, {422}),
    ("lone surrogate", "POST", "/v1/postings", {"content": b'{"title": "\\udc00"}'}, {422}),
    (
        "due in year 9999",
        "POST",
        "/v1/postings",
        {"json": posting(due_date="9999-12-31T00:00:00Z")},
        {422},
    ),
    (
        "deadline before 1970",
        "POST",
        "/v1/postings",
        {"json": posting(application_deadline="1900-01-01T00:00:00Z")},
        {422},
    ),
    ("hours 2^63", "POST", "/v1/postings", {"json": posting(estimated_hours=2**63)}, {422}),
    ("hours a string", "POST", "/v1/postings", {"json": posting(estimated_hours="ten")}, {422}),
    ("unknown field", "POST", "/v1/postings", {"json": posting(owner_id="usr_admin")}, {422}),
    ("100k skills", "POST", "/v1/postings", {"json": posting(skills=["x"] * 100_000)}, {413, 422}),
    ("title 2 MB", "POST", "/v1/postings", {"json": posting(title="t" * 2_000_000)}, {413}),
    ("title 10 kB", "POST", "/v1/postings", {"json": posting(title="t" * 10_000)}, {422}),
    (
        "non-ASCII request id",
        "GET",
        "/v1/postings",
        {"headers": {"X-Request-ID": "réq-ü".encode()}},
        {200},
    ),
    (
        "request id with CRLF-like text",
        "GET",
        "/v1/postings",
        {"headers": {"X-Request-ID": "a%0d%0ab"}},
        {200},
    ),
    ("request id 10 kB", "GET", "/v1/postings", {"headers": {"X-Request-ID": "r" * 10_000}}, {200}),
    ("page_size 10^9", "GET", "/v1/postings?page_size=1000000000", {}, {200, 422}),
    ("page_size -1", "GET", "/v1/postings?page_size=-1", {}, {422}),
    ("page_size not a number", "GET", "/v1/postings?page_size=ten", {}, {422}),
    ("page_token garbage", "GET", "/v1/postings?page_token=%FF%FE%00", {}, {400, 422}),
    ("page_token 10 kB", "GET", "/v1/postings?page_token=" + "A" * 10_000, {}, {400, 422}),
    ("bad enum in the query", "GET", "/v1/postings?status=POSTING_STATUS_NOPE", {}, {422}),
    ("fee_min 2^64", "GET", "/v1/postings?fee_min=18446744073709551616&currency=USD", {}, {422}),
    ("bidi in q", "GET", "/v1/postings?q=a%E2%80%AEb", {}, {422}),
    ("NUL in q", "GET", "/v1/postings?q=a%00b", {}, {422}),
    ("id 10 kB", "GET", "/v1/postings/" + "p" * 10_000, {}, {400, 404, 414, 422}),
    ("id with NUL", "GET", "/v1/postings/pst_%00", {}, {400, 404, 422}),
    ("id with non-ASCII", "GET", "/v1/postings/pst_%C3%A9", {}, {400, 404, 422}),
    ("id with a dot-dot", "GET", "/v1/postings/..%2F..%2Fmetrics", {}, {400, 404, 422}),
    ("Mongo operator as an id", "GET", "/v1/postings/%7B%22%24ne%22%3A1%7D", {}, {400, 404, 422}),
    (
        "webhook URL with a space",
        "POST",
        "/v1/webhooks/endpoints",
        {"json": {"url": "https://example.com/a b"}},
        {422},
    ),
    (
        "webhook URL, port 0",
        "POST",
        "/v1/webhooks/endpoints",
        {"json": {"url": "https://example.com:0/"}},
        {422},
    ),
    (
        "webhook URL 10 kB",
        "POST",
        "/v1/webhooks/endpoints",
        {"json": {"url": "https://example.com/" + "a" * 10_000}},
        {422},
    ),
    ("/metrics on the API port", "GET", "/metrics", {}, {404}),
    ("/readyz on the API port", "GET", "/readyz", {}, {404}),
]


async def test_odd_input_is_a_clear_client_error(api: httpx.AsyncClient, tally: Tally) -> None:
    wrong = []
    for name, method, path, options, expected in CASES:
        options = dict(options)
        headers = EMPLOYER | options.pop("headers", {})
        response = await api.request(method, path, headers=headers, **options)
        tally.record(
            "oversize, deep and odd input",
            accepted=response.status_code < 400 and 200 not in expected,
            server_error=response.status_code >= 500,
        )
        if response.status_code not in expected:
            wrong.append(f"{name}: {response.status_code} {response.text[:300]}")
            continue
        if response.status_code >= 400 and response.status_code != 404:
            assert response.headers["content-type"] == "application/problem+json", name
    assert not wrong, "\n".join(wrong)
    assert len(CASES) >= 40


async def test_a_bad_request_id_is_replaced_not_forwarded(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/v1/postings", headers=STUDENT | {"X-Request-ID": "réq\u202e".encode()}
    )
    assert response.status_code == 200
    assert response.headers["x-request-id"].isascii()
    assert "r" + "é" not in response.headers["x-request-id"]


async def test_nothing_odd_was_stored(api: httpx.AsyncClient) -> None:
    listed = await api.get("/v1/postings?page_size=100", headers=EMPLOYER)
    assert listed.status_code == 200
    titles = json.dumps([p["title"] for p in listed.json()["postings"]])
    for bad in ("\\u0000", "\\u001b", "\\u202e"):
        assert bad not in titles
