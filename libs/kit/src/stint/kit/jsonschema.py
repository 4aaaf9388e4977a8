"""JSON Schemas of Stint's JSON (the gateway's OpenAPI, the webhook catalogue), generated from the
Protobuf descriptors (no drift from the contracts), one component per message type and direction:

- **responses** (`stint.postings.v1.Posting`): what `to_json` sends — every field without
  presence (scalars, enums, lists, maps) is always there, so it is `required`; 64-bit integers
  are strings; enums may be ``*_UNSPECIFIED`` when unset;
- **requests** (`input.stint.postings.v1.PostingInput`): what `from_json` takes — 64-bit
  integers as numbers or strings, enums without ``*_UNSPECIFIED`` (never a valid choice), no
  unknown fields, and the constraints and `required` fields of the protos' `buf.validate` rules
  (`stint.kit.jsonschema_rules`), the ones the services enforce. A `partial` body (PATCH: only
  the fields present change) requires nothing at its top level.
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf.descriptor import FieldDescriptor

from stint.contracts.descriptors import comments
from stint.kit import jsonschema_rules as rules

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
    # Free-form JSON (the webhook catalogue's schemas and examples).
    "google.protobuf.Struct": {"type": "object"},
    "google.protobuf.Value": {},
    "google.protobuf.ListValue": {"type": "array"},
}
_INT_TEXT = {"type": "string", "pattern": r"^-?[0-9]+$"}
_UNSIGNED = {FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64}
# I-JSON (RFC 7493 §2.2): a JSON number beyond ±(2**53 - 1) is not exact in every parser (nor
# in a generator comparing bounds as floats), so the number form of a 64-bit integer stops
# there and the gateway refuses larger numbers; larger values travel as strings.
JSON_SAFE_INTEGER = 2**53 - 1
_SINT64 = (-JSON_SAFE_INTEGER, JSON_SAFE_INTEGER)
_UINT64 = (0, JSON_SAFE_INTEGER)
# A pattern that is anchored at both ends and names its characters (no negated class, `.`, or
# \S \W \D) cannot match a control character: ids, codes, slugs.
_UNSAFE = re.compile(r"\[\^|(?<!\\)\.|\\[SWD]")
INPUT_PREFIX = "input."


class SchemaRegistry:
    """Collects `components/schemas` for the OpenAPI document.

    `text` and `time` are what the edge refuses in every request beyond the protos' rules, as
    regular expressions (the gateway's `input_rules`): `text` matches the characters no request
    string may hold, `time` the RFC 3339 timestamps a request may carry. `ref_base` is where
    the components live in the document (`#/$defs/` in a standalone JSON Schema).
    """

    def __init__(
        self, *, text: str = "", time: str = "", ref_base: str = "#/components/schemas/"
    ) -> None:
        self.components: dict[str, JsonSchema] = {}
        self._text = text
        self._time = time
        self._ref_base = ref_base

    def ref(self, descriptor: Descriptor, *, output: bool = True) -> JsonSchema:
        if descriptor.full_name in _WELL_KNOWN:
            known = dict(_WELL_KNOWN[descriptor.full_name])
            if not output and self._time and descriptor.full_name == "google.protobuf.Timestamp":
                known["pattern"] = self._time
            return known
        name = descriptor.full_name if output else INPUT_PREFIX + descriptor.full_name
        if name not in self.components:
            self.components[name] = {}  # placeholder first: messages may be recursive
            self.components[name] = self.message(descriptor, output=output)
        return {"$ref": f"{self._ref_base}{name}"}

    def message(
        self,
        descriptor: Descriptor,
        *,
        exclude: frozenset[str] = frozenset(),
        output: bool = True,
        partial: bool = False,
    ) -> JsonSchema:
        fields = [f for f in descriptor.fields if f.name not in exclude]
        properties = {f.name: _described(self.field(f, output=output), f) for f in fields}
        schema: JsonSchema = {"type": "object", "properties": properties}
        if descriptor.full_name in comments():  # the proto comments are the descriptions
            schema["description"] = comments()[descriptor.full_name]
        schema["additionalProperties"] = False
        if output:
            required = [f.name for f in fields if not f.has_presence]  # to_json prints these
        else:
            required = [] if partial else [f.name for f in fields if rules.is_required(f)]
            schema |= {} if partial else rules.one_of(descriptor)
        if required:
            schema["required"] = required
        return schema

    def field(self, field: Field, *, output: bool = True) -> JsonSchema:
        if field.message_type is not None and field.message_type.GetOptions().map_entry:
            value = field.message_type.fields_by_name["value"]
            return {"type": "object", "additionalProperties": self._single(value, output)}
        if output:
            single = self._single(field, output)
            return {"type": "array", "items": single} if field.is_repeated else single
        if field.is_repeated:
            items = self._request_value(field, rules.value_keywords(field, item=True))
            return {"type": "array", "items": items, **rules.list_keywords(field)}
        keywords = rules.value_keywords(field)
        single = self._request_value(field, keywords)
        if rules.zero_allowed(field) and keywords.keys() - {"examples"}:
            return {"anyOf": [{"const": field.default_value}, single]}
        return single

    def _request_value(self, field: Field, keywords: JsonSchema) -> JsonSchema:
        """One value of a request field: its type, its rules' keywords and the edge's text rule
        (strings)."""
        schema = _constrained(self._single(field, output=False), keywords)
        if field.type != FieldDescriptor.TYPE_STRING or not self._text or "enum" in schema:
            return schema
        allowed = f"^[^{self._text[1:-1]}]*$" if self._text.startswith("[") else ""
        if "pattern" not in schema:
            return {**schema, "pattern": allowed}
        if _only_safe_characters(schema["pattern"]):
            return schema
        return {**schema, "allOf": [{"pattern": allowed}]}

    def _single(self, field: Field, output: bool) -> JsonSchema:
        t = field.type
        if t == FieldDescriptor.TYPE_MESSAGE:
            return self.ref(field.message_type, output=output)
        if t == FieldDescriptor.TYPE_ENUM:
            if output:
                return {"type": "string", "enum": [v.name for v in field.enum_type.values]}
            values = [v for v in field.enum_type.values if v.number != 0]
            return {"type": "string", "enum": [v.name for v in rules.enum_allowed(field, values)]}
        if t in _INT32:
            return {"type": "integer", "format": "int32"}
        if t in _INT64:
            text = {**_INT_TEXT, "format": "int64"}
            if output:
                return text
            # What the server parses: a number in range, or up to 18 digits as a string (every
            # such string fits; a generator must not send one that does not).
            low, high = _UINT64 if t in _UNSIGNED else _SINT64
            number = {"type": "integer", "minimum": low, "maximum": high}
            digits = r"^[0-9]{1,18}$" if t in _UNSIGNED else r"^-?[0-9]{1,18}$"
            return {"anyOf": [number, {**text, "pattern": digits}]}
        if t in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
            return {"type": "number"}
        if t == FieldDescriptor.TYPE_BOOL:
            return {"type": "boolean"}
        if t == FieldDescriptor.TYPE_BYTES:
            return {"type": "string", "format": "byte"}
        return {"type": "string"}


def _only_safe_characters(pattern: str) -> bool:
    return pattern.startswith("^") and pattern.endswith("$") and not _UNSAFE.search(pattern)


def _constrained(schema: JsonSchema, keywords: JsonSchema) -> JsonSchema:
    """`schema` with the rule keywords; a 64-bit integer (number or string) takes the numeric
    ones on its number form."""
    if not keywords:
        return schema
    if "anyOf" in schema:
        number, text = schema["anyOf"]
        lowest = keywords.get("minimum", keywords.get("exclusiveMinimum"))
        if lowest is not None and lowest >= 0:  # no minus sign in the string form either
            text = {**text, "pattern": text["pattern"].replace("-?", "")}
        if lowest == 1 and "minimum" in keywords:  # nor a zero (e.g. a message number)
            text = {**text, "pattern": r"^[1-9][0-9]{0,17}$"}
        highest = keywords.get("maximum")
        if lowest in (0, 1) and isinstance(highest, int) and highest >= 1:
            # Nor a number beyond the maximum (e.g. a read position of at most 10^9).
            zero = "0|" if lowest == 0 else ""
            text = {**text, "pattern": f"^(?:{zero}{decimal_at_most(highest)})$"}
        examples = keywords.pop("examples", None)
        merged: JsonSchema = {"anyOf": [{**number, **keywords}, text]}
        return {**merged, "examples": examples} if examples else merged
    return {**schema, **keywords}


def decimal_at_most(m: int) -> str:
    """A regex of the decimals 1..m (no leading zeros): the shorter ones, then those of m's
    length that are smaller at their first differing digit, then m itself."""
    digits = str(m)
    k = len(digits)
    choices = [f"[1-9][0-9]{{0,{k - 2}}}"] if k > 1 else []
    for i, top in enumerate(int(c) for c in digits):
        low = 1 if i == 0 else 0
        if top - 1 >= low:
            rest = f"[0-9]{{{k - i - 1}}}" if k - i - 1 else ""
            choices.append(f"{digits[:i]}[{low}-{top - 1}]{rest}")
    choices.append(digits)
    return "(?:" + "|".join(choices) + ")"


def _described(schema: JsonSchema, field: Field) -> JsonSchema:
    """The field's proto comment as its description (else its enum's: what the values mean)."""
    text = comments().get(field.full_name)
    if text is None and field.enum_type is not None:
        text = comments().get(field.enum_type.full_name)
    return {**schema, "description": text} if text else schema
