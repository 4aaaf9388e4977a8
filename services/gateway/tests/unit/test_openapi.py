"""The OpenAPI document as a client generator reads it (no server runs: the app is only built)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gateway.app import create_app
from gateway.routes import all_routes

from ..conftest import settings

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = create_app(settings()).openapi()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_every_route_has_a_stable_camel_case_operation_id(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids)) == len(all_routes())
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9]+", i) for i in ids), ids
    assert spec["paths"]["/v1/postings"]["post"]["operationId"] == "createPosting"


def test_public_operations_need_no_token_and_the_others_a_bearer(spec: dict[str, Any]) -> None:
    by_path = {(r.method.lower(), r.path): r for r in all_routes()}
    for method, path, op in operations(spec):
        route = by_path[(method, path)]
        expected = [] if route.roles is None else [{"bearerAuth": []}]
        assert op["security"] == expected, f"{method} {path}"
    assert spec["servers"]


def test_errors_are_problem_json_with_their_headers(spec: dict[str, Any]) -> None:
    for method, path, op in operations(spec):
        for status, response in op["responses"].items():
            if int(status) < 400:
                assert "X-Request-ID" in response["headers"], f"{method} {path} {status}"
                continue
            assert list(response["content"]) == ["application/problem+json"]
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}
            assert ("Retry-After" in response["headers"]) == (status in ("409", "429", "503"))
        assert {"500", "503", "422"} <= set(op["responses"]), f"{method} {path}"
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code"} <= set(problem["required"])
    create = spec["paths"]["/v1/postings"]["post"]["responses"]
    assert {"Location", "Idempotent-Replayed"} <= set(create["201"]["headers"])
    assert "413" in create


def test_responses_require_what_is_always_sent_and_requests_offer_no_unspecified(
    spec: dict[str, Any],
) -> None:
    schemas = spec["components"]["schemas"]
    posting = schemas["stint.postings.v1.Posting"]
    # Scalars, enums and lists are always in a response (to_json prints them); messages and
    # `optional` fields only when set.
    assert {"id", "title", "status", "skills", "version"} <= set(posting["required"])
    assert "fee" not in posting["required"]
    assert "POSTING_STATUS_UNSPECIFIED" in posting["properties"]["status"]["enum"]
    assert schemas["stint.common.v1.Money"]["properties"]["amount_minor"]["type"] == "string"
    body = spec["paths"]["/v1/postings"]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[-1] if "$ref" in body["schema"] else ""
    request = schemas[ref] if ref else body["schema"]
    category = request["properties"]["category"]["enum"]
    assert category
    assert not [c for c in category if c.endswith("_UNSPECIFIED")]
    listed = spec["paths"]["/v1/postings"]["get"]["responses"]["200"]["content"]
    assert "next_page_token" in listed["application/json"]["schema"]["required"]


def test_every_query_parameter_fills_a_field_of_its_request() -> None:
    # A name that is not a field was a 422 "unknown field" for every value a caller sent.
    for route in all_routes():
        for query in route.query:
            if not query.field:
                continue  # the route's `prepare` reads it
            descriptor = route.rpc.request.DESCRIPTOR
            for name in query.field.split("."):
                fields = descriptor.fields_by_name if descriptor is not None else {}
                assert name in fields, (
                    f"{route.method} {route.path}: ?{query.name} names no field {query.field}"
                )
                descriptor = descriptor.fields_by_name[name].message_type
