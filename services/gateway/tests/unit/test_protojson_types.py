"""What protobuf's JSON parser would take but the API's schemas forbid is refused at the edge,
naming the field: numbers or booleans for enums, 64-bit integers as numbers beyond the I-JSON
range."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.problems import ProblemError
from gateway.protojson import from_json
from stint.applications.v1 import applications_service_pb2 as applications
from stint.kit.jsonschema import JSON_SAFE_INTEGER
from stint.submissions.v1 import submissions_service_pb2 as submissions


def _refused(data: dict[str, Any], message: Any) -> list[str]:
    with pytest.raises(ProblemError) as raised:
        from_json(data, message)
    return [e.field for e in raised.value.errors]


@pytest.mark.parametrize("value", [False, True, 0, 1, 1.0])
def test_an_enum_is_a_name_not_a_number_or_a_boolean(value: object) -> None:
    request = applications.PutMyProfileRequest()
    assert _refused({"name": "Ada", "stage": value}, request) == ["stage"]


def test_an_enum_by_name_parses() -> None:
    request = applications.PutMyProfileRequest()
    from_json({"name": "Ada", "stage": "CAREER_STAGE_STUDENT"}, request)
    assert request.stage == 1


def test_a_64_bit_number_beyond_the_i_json_range_must_be_a_string() -> None:
    beyond = JSON_SAFE_INTEGER + 1
    request = applications.PutMyProfileRequest()
    assert _refused({"name": "Ada", "expected_version": beyond}, request) == ["expected_version"]
    from_json({"name": "Ada", "expected_version": str(beyond)}, request)
    assert request.expected_version == beyond
    from_json({"expected_version": JSON_SAFE_INTEGER}, request)
    assert request.expected_version == JSON_SAFE_INTEGER


def test_nested_messages_are_checked_too() -> None:
    offer = {
        "kind": "OFFER_KIND_FULL_TIME",
        "role_title": "Analyst",
        "compensation": {"amount_minor": -(JSON_SAFE_INTEGER + 1), "currency": "USD"},
    }
    assert _refused(offer, submissions.MakeOfferRequest()) == ["compensation.amount_minor"]
