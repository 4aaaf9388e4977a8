"""JSON Schemas of the API's JSON, generated from the Protobuf descriptors (no drift from the
contracts), one component per message type and direction:

- **responses** (`stint.postings.v1.Posting`): what `to_json` sends — every field without
  presence (scalars, enums, lists, maps) is always there, so it is `required`; 64-bit integers
  are strings; enums may be ``*_UNSPECIFIED`` when unset;
- **requests** (`input.stint.postings.v1.PostingInput`): what `from_json` takes — 64-bit
  integers as numbers or strings, enums without ``*_UNSPECIFIED`` (never a valid choice), no
  unknown fields.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.descriptor import FieldDescriptor

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
_INT_TEXT = {"type": "string", "pattern": r"^-?[0-9]+$"}
INPUT_PREFIX = "input."


class SchemaRegistry:
    """Collects `components/schemas` for the OpenAPI document."""

    def __init__(self) -> None:
        self.components: dict[str, JsonSchema] = {}

    def ref(self, descriptor: Descriptor, *, output: bool = True) -> JsonSchema:
        if descriptor.full_name in _WELL_KNOWN:
            return dict(_WELL_KNOWN[descriptor.full_name])
        name = descriptor.full_name if output else INPUT_PREFIX + descriptor.full_name
        if name not in self.components:
            self.components[name] = {}  # placeholder first: messages may be recursive
            self.components[name] = self.message(descriptor, output=output)
        return {"$ref": f"#/components/schemas/{name}"}

    def message(
        self,
        descriptor: Descriptor,
        *,
        exclude: frozenset[str] = frozenset(),
        output: bool = True,
    ) -> JsonSchema:
        fields = [f for f in descriptor.fields if f.name not in exclude]
        properties = {f.name: self.field(f, output=output) for f in fields}
        schema: JsonSchema = {"type": "object", "properties": properties}
        schema["additionalProperties"] = False
        always = [f.name for f in fields if not f.has_presence]
        if output and always:
            schema["required"] = always  # to_json prints every field without presence
        return schema

    def field(self, field: Field, *, output: bool = True) -> JsonSchema:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = field.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self._single(value, output)}
        single = self._single(field, output)
        if field.is_repeated:
            return {"type": "array", "items": single}
        return single

    def _single(self, field: Field, output: bool) -> JsonSchema:
        t = field.type
        if t == FieldDescriptor.TYPE_MESSAGE:
            return self.ref(field.message_type, output=output)
        if t == FieldDescriptor.TYPE_ENUM:
            values = [v.name for v in field.enum_type.values if output or v.number != 0]
            return {"type": "string", "enum": values}
        if t in _INT32:
            return {"type": "integer", "format": "int32"}
        if t in _INT64:
            text = {**_INT_TEXT, "format": "int64"}
            return text if output else {"anyOf": [{"type": "integer"}, text]}
        if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
            return {"type": "number"}
        if t == FieldDescriptor.TYPE_BOOL:
            return {"type": "boolean"}
        if t == FieldDescriptor.TYPE_BYTES:
            return {"type": "string", "format": "byte"}
        return {"type": "string"}
