"""The `buf.validate` rules of a request field as JSON Schema keywords (the OpenAPI's constraints).

The same annotations the services check (`stint.kit.validation`) so the document cannot promise
less or more than the server enforces: string lengths and patterns, number ranges, list sizes and
uniqueness, allowed values, `required`; `example` values become `examples`. A field with
`ignore: IGNORE_IF_ZERO_VALUE` also accepts its zero value (`""`, `0`), as the server does.
"""

from __future__ import annotations

from typing import Any

from buf.validate import validate_pb2
from google.protobuf.descriptor import FieldDescriptor

from stint.kit.validation_rules import in_message_oneof
from stint.kit.validation_values import field_rules, message_rules, typed_check

JsonSchema = dict[str, Any]

_STRING = {"min_len": "minLength", "max_len": "maxLength", "pattern": "pattern"}
_NUMBER = {"gte": "minimum", "lte": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}
_ITEMS = {"min_items": "minItems", "max_items": "maxItems", "unique": "uniqueItems"}


def is_required(field: FieldDescriptor) -> bool:
    """Whether a request must carry the field: `required`, or a field without presence whose
    zero value (what an absent field reads as) breaks its rules (`positions` >= 1, a pattern)."""
    rules = field_rules(field)
    if rules.ignore != validate_pb2.IGNORE_UNSPECIFIED or in_message_oneof(field):
        return False  # a oneof member: the message's `one_of` keywords say what is needed
    if rules.required:
        return True
    if field.is_repeated:
        return bool(rules.WhichOneof("type") == "repeated" and rules.repeated.min_items > 0)
    if field.has_presence:
        return False
    check = typed_check(rules, field)
    return check is not None and any(True for _ in check(field.default_value))


def ignored(field: FieldDescriptor) -> bool:
    return bool(field_rules(field).ignore == validate_pb2.IGNORE_ALWAYS)


def list_keywords(field: FieldDescriptor) -> JsonSchema:
    """minItems/maxItems/uniqueItems of a repeated field."""
    rules = field_rules(field)
    if rules.WhichOneof("type") != "repeated" or ignored(field):
        return {}
    repeated = rules.repeated
    return {key: getattr(repeated, name) for name, key in _ITEMS.items() if _has(repeated, name)}


def value_keywords(field: FieldDescriptor, *, item: bool = False) -> JsonSchema:
    """Keywords for one value of the field (each item, for a list: `item=True`)."""
    rules = field_rules(field)
    if ignored(field):
        return {}
    if item:
        rules = rules.repeated.items if rules.WhichOneof("type") == "repeated" else None
        if rules is None:
            return {}
    kind = rules.WhichOneof("type")
    if kind is None or kind == "repeated":
        return {}
    typed = getattr(rules, kind)
    keywords: JsonSchema = {}
    if kind == "string":
        keywords = {key: getattr(typed, n) for n, key in _STRING.items() if _has(typed, n)}
    elif kind != "enum" and kind != "bool":
        keywords = {key: getattr(typed, n) for n, key in _NUMBER.items() if _has(typed, n)}
    allowed = list(getattr(typed, "in", []))
    if allowed and kind == "string":
        keywords["enum"] = allowed
    examples = list(getattr(typed, "example", []))
    if examples:
        keywords["examples"] = examples
    return keywords


def enum_allowed(field: FieldDescriptor, values: list[Any]) -> list[Any]:
    """The enum values a request may send: `in`/`not_in` applied (UNSPECIFIED is never sent)."""
    rules = field_rules(field)
    if rules.WhichOneof("type") == "repeated":
        rules = rules.repeated.items
    if rules.WhichOneof("type") != "enum":
        return values
    allowed, refused = set(getattr(rules.enum, "in")), set(rules.enum.not_in)
    return [v for v in values if (not allowed or v.number in allowed) and v.number not in refused]


def zero_allowed(field: FieldDescriptor) -> bool:
    """The server skips the rules of an unset field (`IGNORE_IF_ZERO_VALUE`, a oneof member)."""
    ignore = field_rules(field).ignore == validate_pb2.IGNORE_IF_ZERO_VALUE
    return bool(ignore or in_message_oneof(field))


def one_of(descriptor: Any) -> JsonSchema:
    """The message `oneof` rules: `oneOf` branches, one per field "set" as protovalidate means
    it (present, non-empty, not zero); `required: false` adds the branch "none set"."""
    keywords = []
    for rule in message_rules(descriptor).oneof:
        branches = [_set(descriptor.fields_by_name[name]) for name in rule.fields]
        none = [] if rule.required else [{"not": {"anyOf": branches}}]
        keywords.append({"oneOf": [*branches, *none]})
    if len(keywords) > 1:
        return {"allOf": keywords}
    return keywords[0] if keywords else {}


def _set(field: FieldDescriptor) -> JsonSchema:
    if field.is_repeated:
        value: JsonSchema = (
            {"minItems": 1}
            if field.message_type is None or not (field.message_type.GetOptions().map_entry)
            else {"minProperties": 1}
        )
    elif field.has_presence:
        value = {}
    else:
        value = {"not": {"const": field.default_value}}
    return {"required": [field.name], "properties": {field.name: value}}


def _has(rules: Any, name: str) -> bool:
    if name not in rules.DESCRIPTOR.fields_by_name:
        return False
    descriptor = rules.DESCRIPTOR.fields_by_name[name]
    if descriptor.is_repeated:
        return bool(len(getattr(rules, name)))
    return bool(rules.HasField(name)) if descriptor.has_presence else bool(getattr(rules, name))
