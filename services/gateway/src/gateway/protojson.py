"""JSON <-> Protobuf for the REST API (the schemas of that JSON: `stint.kit.jsonschema`).

The API's JSON is the Protobuf canonical JSON mapping with the proto field names (snake_case):
enums by name, timestamps as RFC 3339, 64-bit integers as strings (also accepted as numbers).
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message

from gateway.problems import invalid, invalid_field


def to_json(message: Message) -> dict[str, Any]:
    """The canonical JSON of `message`, every field present (frontends need stable shapes)."""
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def from_json(data: Any, message: Message) -> None:
    """Merge JSON `data` into `message`; unknown fields and wrong types are 422 problems."""
    if not isinstance(data, dict):
        raise invalid("body must be an object")
    try:
        json_format.ParseDict(data, message, ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        field, description = parse_error_field(str(exc))
        raise invalid_field(field, description) from exc


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
