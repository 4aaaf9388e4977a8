"""JSON <-> Protobuf for the REST API (the schemas of that JSON: `stint.kit.jsonschema`).

The API's JSON is the Protobuf canonical JSON mapping with the proto field names (snake_case):
enums by name, timestamps as RFC 3339, 64-bit integers as strings (also accepted as numbers
up to ±(2**53 - 1), the I-JSON range).

Two things protobuf's parser accepts that the API's schemas do not allow, refused here with the
field named: an enum given as a number or `true`/`false` (the schemas list names; protobuf reads
numbers, and Python's bool is an int, so `false` became the enum's 0 value), and a 64-bit
integer as a JSON number beyond the I-JSON range (not exact in every client's parser; a string
carries it).
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message

from gateway.problems import invalid, invalid_field
from stint.kit.jsonschema import JSON_SAFE_INTEGER

_INT64 = frozenset(
    {
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_SFIXED64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_FIXED64,
    }
)


def to_json(message: Message) -> dict[str, Any]:
    """The canonical JSON of `message`, every field present (frontends need stable shapes)."""
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def from_json(data: Any, message: Message) -> None:
    """Merge JSON `data` into `message`; unknown fields and wrong types are 422 problems."""
    if not isinstance(data, dict):
        raise invalid("body must be an object")
    _check_types(data, message.DESCRIPTOR, "")
    try:
        json_format.ParseDict(data, message, ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        field, description = parse_error_field(str(exc))
        raise invalid_field(field, description) from exc


def _check_types(data: dict[str, Any], descriptor: Any, prefix: str) -> None:
    """Refuse what the parser would take but the schemas forbid (see the module docstring);
    the parser reports every other type error. Well-known types (their JSON is not an object
    of their fields) are left to it."""
    if descriptor.full_name.startswith("google.protobuf."):
        return
    for name, value in data.items():
        field = descriptor.fields_by_name.get(name)
        if field is None or value is None:
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            _check_value(field, v, f"{prefix}{name}")


def _check_value(field: FieldDescriptor, value: Any, path: str) -> None:
    if field.type == FieldDescriptor.TYPE_ENUM and not isinstance(value, str):
        raise invalid_field(path, "an enum value is one of its names (a string)")
    number = isinstance(value, int) and not isinstance(value, bool)
    if field.type in _INT64 and number and abs(value) > JSON_SAFE_INTEGER:
        raise invalid_field(path, "beyond ±(2^53 - 1) as a number: send it as a string")
    kind: Descriptor | None = field.message_type
    if kind is not None and isinstance(value, dict) and not kind.GetOptions().map_entry:
        _check_types(value, kind, f"{path}.")


_FIELD_PREFIX = re.compile(r"Failed to parse (\w+) field: ")
_UNKNOWN_FIELD = re.compile(r'has no field named "(\w+)"')
_INTERNAL_NAMES = re.compile(r'( at "?[\w.]+"?| for enum type [\w.]+|\n.*)', re.DOTALL)


def parse_error_field(text: str) -> tuple[str, str]:
    """(field path, description) from protobuf's nested "Failed to parse x field: …" message,
    without the internal message and enum type names it carries."""
    path: list[str] = []
    while match := _FIELD_PREFIX.match(text):
        path.append(match[1])
        text = text[match.end() :]
    unknown = _UNKNOWN_FIELD.search(text)
    if unknown:
        return ".".join([*path, unknown[1]]), "unknown field"
    description = _INTERNAL_NAMES.sub("", text).strip().rstrip(".") or "invalid value"
    return ".".join(path) or "body", description
