"""JSON <-> Protobuf for the REST API, and JSON Schemas generated from the same descriptors.

The API's JSON is the Protobuf canonical JSON mapping with the proto field names (snake_case):
enums by name, timestamps as RFC 3339, 64-bit integers as strings (also accepted as numbers).
Generating the OpenAPI schemas from the descriptors keeps the docs from drifting from the
contracts.
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from gateway.problems import FieldError, ProblemError

JsonSchema = dict[str, Any]
# Descriptors come in two implementations (pure Python and upb) that the stubs type apart.
Descriptor = Any
Field = Any

_INT64 = {
    FieldDescriptor.TYPE_INT64,
    FieldDescriptor.TYPE_SINT64,
    FieldDescriptor.TYPE_SFIXED64,
    FieldDescriptor.TYPE_UINT64,
    FieldDescriptor.TYPE_FIXED64,
}
_INT32 = {
    FieldDescriptor.TYPE_INT32,
    FieldDescriptor.TYPE_SINT32,
    FieldDescriptor.TYPE_SFIXED32,
    FieldDescriptor.TYPE_UINT32,
    FieldDescriptor.TYPE_FIXED32,
}
_WELL_KNOWN: dict[str, JsonSchema] = {
    "google.protobuf.Timestamp": {"type": "string", "format": "date-time"},
    "google.protobuf.Duration": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?s$"},
    "google.protobuf.FieldMask": {"type": "string", "description": "comma-separated field names"},
    "google.protobuf.Empty": {"type": "object"},
}


def to_json(message: Message) -> dict[str, Any]:
    """The canonical JSON of `message`, every field present (frontends need stable shapes)."""
    return json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )


def from_json(data: Any, message: Message) -> None:
    """Merge JSON `data` into `message`; unknown fields and wrong types are 422 problems."""
    if not isinstance(data, dict):
        raise ProblemError(
            422, "invalid-argument", "The request is not valid", "body must be an object"
        )
    try:
        json_format.ParseDict(data, message, ignore_unknown_fields=False)
    except json_format.ParseError as exc:
        field, description = parse_error_field(str(exc))
        raise ProblemError(
            422,
            "invalid-argument",
            "The request is not valid",
            f"{field}: {description}",
            errors=[FieldError(field=field, description=description)],
        ) from exc


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


class SchemaRegistry:
    """Collects `components/schemas` for the OpenAPI document, one per message type."""

    def __init__(self) -> None:
        self.components: dict[str, JsonSchema] = {}

    def ref(self, descriptor: Descriptor) -> JsonSchema:
        if descriptor.full_name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[descriptor.full_name])
        name = descriptor.full_name
        if name not in self.components:
            self.components[name] = {}  # placeholder first: messages may be recursive
            self.components[name] = self.message(descriptor)
        return {"$ref": f"#/components/schemas/{name}"}

    def message(
        self, descriptor: Descriptor, *, exclude: frozenset[str] = frozenset()
    ) -> JsonSchema:
        properties = {f.name: self.field(f) for f in descriptor.fields if f.name not in exclude}
        return {"type": "object", "properties": properties, "additionalProperties": False}

    def field(self, field: Field) -> JsonSchema:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = field.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self._single(value)}
        single = self._single(field)
        if field.is_repeated:
            return {"type": "array", "items": single}
        return single

    def _single(self, field: Field) -> JsonSchema:
        t = field.type
        if t == FieldDescriptor.TYPE_MESSAGE:
            return self.ref(field.message_type)
        if t == FieldDescriptor.TYPE_ENUM:
            return {"type": "string", "enum": [v.name for v in field.enum_type.values]}
        if t in _INT32:
            return {"type": "integer", "format": "int32"}
        if t in _INT64:
            return {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^-?[0-9]+$"}]}
        if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
            return {"type": "number"}
        if t == FieldDescriptor.TYPE_BOOL:
            return {"type": "boolean"}
        if t == FieldDescriptor.TYPE_BYTES:
            return {"type": "string", "format": "byte"}
        return {"type": "string"}
