"""Request schemas promise what the server accepts, no more and no less: each rule below was a
schemathesis failure (a schema-valid request refused, or a schema-violating one accepted)."""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs
import pytest

from gateway.app import create_app
from gateway.input_rules import text_problem
from stint.kit.jsonschema import decimal_at_most

from ..conftest import settings

NTF = "ntf_01m8vpvjvrxwemqyzvdkwszw1p"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    document: dict[str, Any] = create_app(settings()).openapi()
    return document


def body(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][path][method]["requestBody"]
    return found


def schema_of(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = body(spec, method, path)["content"]["application/json"]["schema"]
    return found


def validator(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    return jsonschema_rs.Draft202012Validator({**schema, "components": spec["components"]})


def parameter(spec: dict[str, Any], method: str, path: str, name: str) -> dict[str, Any]:
    params = spec["paths"][path][method]["parameters"]
    found: dict[str, Any] = next(p for p in params if p["name"] == name)["schema"]
    return found


def test_request_text_refuses_what_the_edge_refuses(spec: dict[str, Any]) -> None:
    cancel = schema_of(spec, "post", "/v1/postings/{posting_id}/cancel")
    reason = cancel["properties"]["reason"]
    for text in (
        "plain words",
        "line one\n\tline two",
        "emoji \U0001f600",
        "\x07bell",
        "\u202eabc",
    ):
        assert bool(re.search(reason["pattern"], text)) == (text_problem(text) == ""), text
    # An id's own pattern names its characters: no second pattern needed. Free text's does not.
    engagement = parameter(spec, "get", "/v1/engagements/{engagement_id}", "engagement_id")
    assert "allOf" not in engagement
    q = parameter(spec, "get", "/v1/postings", "q")
    assert q["allOf"][0]["pattern"].startswith("^[^")


def test_request_times_and_64_bit_integers_carry_the_servers_ranges(spec: dict[str, Any]) -> None:
    recover = schema_of(spec, "post", "/v1/webhooks/endpoints/{endpoint_id}/recover")
    since = recover["properties"]["since"]
    assert re.match(since["pattern"], "2026-12-01T00:00:00Z")
    assert not re.match(since["pattern"], "0192-08-15T16:26:18Z")
    assert recover["required"] == ["since"]
    number, text = schema_of(spec, "post", "/v1/postings/{posting_id}/cancel")["properties"][
        "expected_version"
    ]["anyOf"]
    assert (number["minimum"], number["maximum"]) == (0, 2**53 - 1)
    assert text["pattern"] == "^[0-9]{1,18}$"  # every such string fits; no minus: gte 0


def test_a_bounded_64_bit_integer_as_a_string_stops_at_its_maximum(
    spec: dict[str, Any],
) -> None:
    """`through` (a read position) is 1..10^9: "6643854602867" was schema-valid and refused."""
    through = schema_of(spec, "post", "/v1/conversations/{conversation_id}/read")["properties"][
        "through"
    ]
    number, text = through["anyOf"]
    assert (number["minimum"], number["maximum"]) == (1, 10**9)
    pattern = re.compile(text["pattern"])
    for value in ("1", "9", "10", "999999999", "1000000000"):
        assert pattern.match(value), value
    for value in ("0", "01", "1000000001", "1999999999", "9999999999", "6643854602867"):
        assert not pattern.match(value), value


def test_every_decimal_up_to_a_bound_and_none_beyond_it() -> None:
    for bound in (1, 7, 10, 19, 100, 305, 1000, 2024):
        pattern = re.compile(f"^{decimal_at_most(bound)}$")
        accepted = [n for n in range(0, bound * 11) if pattern.match(str(n))]
        assert accepted == list(range(1, bound + 1)), bound


def test_an_empty_body_is_optional_only_where_it_is_valid(spec: dict[str, Any]) -> None:
    assert body(spec, "post", "/v1/postings")["required"] is True
    assert body(spec, "post", "/v1/postings/{posting_id}/cancel")["required"] is False
    assert body(spec, "patch", "/v1/postings/{posting_id}")["required"] is True
    for path in ("/v1/postings/{posting_id}", "/v1/webhooks/endpoints/{endpoint_id}"):
        patch = schema_of(spec, "patch", path)
        assert patch["minProperties"] == 1
        assert "required" not in patch
    # The gateway fills update_paths from the body's fields: not a body field.
    webhook = schema_of(spec, "patch", "/v1/webhooks/endpoints/{endpoint_id}")
    assert "update_paths" not in webhook["properties"]


@pytest.mark.parametrize(
    ("sent", "valid"),
    [
        ({}, False),
        ({"all": True}, True),
        ({"notification_ids": [NTF]}, True),
        ({"all": False, "notification_ids": [NTF]}, True),
        ({"all": True, "notification_ids": [NTF]}, False),
        ({"all": False, "notification_ids": []}, False),
        ({"notification_ids": ["x"]}, False),
    ],
)
def test_a_message_oneof_rule_is_a_json_schema_one_of(
    spec: dict[str, Any], sent: dict[str, Any], valid: bool
) -> None:
    read = schema_of(spec, "post", "/v1/me/notifications/read")
    assert validator(spec, read).is_valid(sent) is valid


@pytest.mark.parametrize(
    ("sent", "valid"),
    [
        ({"decision": "approve"}, True),
        ({"decision": "decline"}, False),  # a decline says why
        ({"decision": "decline", "reason": "Not for first-years"}, True),
        ({"decision": "approve", "extra": 1}, False),
    ],
)
def test_a_body_that_chooses_its_rpc_requires_what_that_rpc_requires(
    spec: dict[str, Any], sent: dict[str, Any], valid: bool
) -> None:
    decide = schema_of(spec, "post", "/v1/postings/{posting_id}/university-approvals")
    assert validator(spec, decide).is_valid(sent) is valid


def test_a_query_parameter_without_a_field_takes_the_rules_of_the_one_it_fills(
    spec: dict[str, Any],
) -> None:
    currency = parameter(spec, "get", "/v1/postings", "currency")
    assert currency["pattern"] == "^[A-Z]{3}$"
