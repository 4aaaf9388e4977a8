"""The served catalogue: per type a self-contained JSON Schema of the whole body and an object
example that it accepts, `webhook.test` included."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import jsonschema_rs
import pytest
from google.protobuf.json_format import MessageToDict

from notifications.adapters import wire
from notifications.adapters.catalogue import CATALOGUE, event_data
from notifications.adapters.schemas import Entry, entries
from notifications.domain.payload import TEST_TYPE, payload, webhook_test_data
from notifications.entrypoints.grpc import _EVENT_TYPES

ENTRIES = {e.name: e for e in entries()}
NOW = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def _offline(uri: str) -> Any:
    raise AssertionError(f"a catalogue schema refers outside itself: {uri}")


def validator(schema: dict[str, Any]) -> jsonschema_rs.Draft202012Validator:
    """Formats checked (date-time), and nothing fetched: a schema must stand alone."""
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True, retriever=_offline)


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_every_type_an_endpoint_can_receive_is_in_the_catalogue() -> None:
    assert set(ENTRIES) == {k.name for k in CATALOGUE} | {TEST_TYPE}
    assert len(ENTRIES) == len(CATALOGUE) + 1
    test = ENTRIES[TEST_TYPE]
    assert (test.proto_message, test.topic) == ("", "")


@pytest.mark.parametrize("entry", ENTRIES.values(), ids=list(ENTRIES))
def test_each_schema_is_self_contained_2020_12_and_accepts_its_example(entry: Entry) -> None:
    schema = entry.schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert jsonschema_rs.meta.is_valid(schema)
    defs = schema.get("$defs", {})
    for ref in refs(schema):
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in defs, ref
    # The whole body, the envelope included: nothing else, nothing missing.
    assert schema["required"] == ["type", "timestamp", "data"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["type"]["const"] == entry.name
    validator(schema).validate(entry.example)
    assert entry.example == json.loads(entry.example_text)


@pytest.mark.parametrize("kind", CATALOGUE, ids=[k.name for k in CATALOGUE])
def test_a_body_of_an_event_with_only_defaults_is_valid_too(kind: Any) -> None:
    """Unset sub-messages are left out, fields without presence always printed: the
    schema's `required` follows what `event_data` prints."""
    body = json.loads(payload(kind.name, NOW, event_data(kind.message_type())))
    validator(ENTRIES[kind.name].schema).validate(body)


def test_the_body_send_test_builds_is_what_the_webhook_test_schema_describes() -> None:
    body = json.loads(payload(TEST_TYPE, NOW, webhook_test_data("whe_01jabcdefghjkmnpqrstvwxyz0")))
    validator(ENTRIES[TEST_TYPE].schema).validate(body)


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    out = copy.deepcopy(body)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


def _with(body: dict[str, Any], value: Any, *path: str) -> dict[str, Any]:
    out = copy.deepcopy(body)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def test_schemas_refuse_unknown_fields_missing_fields_and_wrong_values() -> None:
    entry = ENTRIES["candidate.hired"]
    check = validator(entry.schema)
    body = entry.example
    bad = [
        _with(body, "x", "id"),  # an envelope field the body does not have
        _with(body, "x", "data", "surprise"),
        _with(body, "x", "data", "application", "surprise"),
        _without(body, "timestamp"),
        _without(body, "data", "application", "status"),  # no presence: always printed
        _with(body, "payout.paid", "type"),
        _with(body, "yesterday", "timestamp"),
        _with(body, 7, "data", "application", "version"),  # int64 is a string
        _with(body, "HIRED", "data", "application", "status"),  # enums by their full name
    ]
    for wrong in bad:
        assert not check.is_valid(wrong), wrong
    test = validator(ENTRIES[TEST_TYPE].schema)
    example = ENTRIES[TEST_TYPE].example
    assert not test.is_valid(_with(example, "x", "data", "extra"))
    assert not test.is_valid(_without(example, "data", "endpoint_id"))


def test_served_as_json_objects_that_still_validate() -> None:
    """Through the wire (Struct) and back as the gateway prints it: objects, not strings."""
    served = MessageToDict(_EVENT_TYPES, preserving_proto_field_name=True)["event_types"]
    assert [t["name"] for t in served] == list(ENTRIES)
    for t in served:
        assert isinstance(t["schema"], dict)
        assert isinstance(t["example_body"], dict)
        validator(t["schema"]).validate(t["example_body"])
        assert t["schema"] == ENTRIES[t["name"]].schema
        assert json.loads(t["example"]) == ENTRIES[t["name"]].example  # deprecated text
    one = wire.event_type(ENTRIES[TEST_TYPE])
    assert one.example_body["type"] == TEST_TYPE
