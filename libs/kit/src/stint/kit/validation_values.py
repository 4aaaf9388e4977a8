"""The value checks of `buf.validate` rules (strings, numbers, enums), compiled once per field
into plain Python, and the accessors of a field's and a message's rules; `stint.kit.
validation_rules` assembles them into message checks (see there for the semantics followed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2: protovalidate's regex engine
from buf.validate import validate_pb2
from google.protobuf.descriptor import FieldDescriptor

Descriptor = Any
Problem = tuple[str, str]  # (field path relative to the checked message, description)
# A compiled check of one value: the problems it has, with paths relative to that value.
ValueCheck = Callable[[Any], Iterator[Problem]]


class Unsupported(Exception):
    """The annotations use a rule this module does not implement (protovalidate must check)."""


_SCALAR_RULES = {"const", "lt", "lte", "gt", "gte", "in", "not_in", "example"}
_SUPPORTED = {
    "string": {"min_len", "max_len", "pattern", "in", "not_in", "example"},
    "enum": {"defined_only", "in", "not_in", "example"},
    "bool": {"example"},
    **{kind: _SCALAR_RULES for kind in ("int32", "int64", "uint32", "uint64", "sint32", "sint64")},
}


def field_rules(field: FieldDescriptor) -> Any:
    return field.GetOptions().Extensions[validate_pb2.field]


def message_rules(descriptor: Descriptor) -> Any:
    return descriptor.GetOptions().Extensions[validate_pb2.message]


def _string_check(rules: Any) -> ValueCheck:
    low, high = rules.min_len if rules.HasField("min_len") else None, None
    if rules.HasField("max_len"):
        high = rules.max_len
    pattern = re2.compile(rules.pattern) if rules.HasField("pattern") else None
    allowed, refused = set(getattr(rules, "in")), set(rules.not_in)

    def check(value: str) -> Iterator[Problem]:
        if low is not None and len(value) < low:
            yield "", f"must be at least {low} characters"
        if high is not None and len(value) > high:
            yield "", f"must be at most {high} characters"
        if pattern is not None and not pattern.search(value):
            yield "", f"must match {rules.pattern}"
        if allowed and value not in allowed:
            yield "", f"must be one of {sorted(allowed)}"
        if value in refused:
            yield "", f"must not be {value!r}"

    return check


def _number_check(rules: Any) -> ValueCheck:
    known = rules.DESCRIPTOR.fields_by_name  # enum rules have no bounds
    bounds = [(n, getattr(rules, n)) for n in ("gt", "gte", "lt", "lte") if n in known]
    bounds = [(name, limit) for name, limit in bounds if rules.HasField(name)]
    const = rules.const if rules.HasField("const") else None
    allowed, refused = set(getattr(rules, "in")), set(rules.not_in)
    tests = {"gt": int.__gt__, "gte": int.__ge__, "lt": int.__lt__, "lte": int.__le__}
    words = {"gt": "greater than", "gte": "at least", "lt": "less than", "lte": "at most"}

    def check(value: int) -> Iterator[Problem]:
        for name, limit in bounds:
            if not tests[name](value, limit):
                yield "", f"must be {words[name]} {limit}"
        if const is not None and value != const:
            yield "", f"must be {const}"
        if allowed and value not in allowed:
            yield "", f"must be one of {sorted(allowed)}"
        if value in refused:
            yield "", f"must not be {value}"

    return check


def _enum_check(rules: Any, field: FieldDescriptor) -> ValueCheck:
    enum_type: Any = field.enum_type
    defined = {v.number for v in enum_type.values} if rules.defined_only else None
    numbers = _number_check(rules)

    def check(value: int) -> Iterator[Problem]:
        if defined is not None and value not in defined:
            yield "", "must be one of the enum's values"
        yield from numbers(value)

    return check


def typed_check(rules: Any, field: FieldDescriptor) -> ValueCheck | None:
    """The check of one (non-list) value from the type-specific rules, None when there are none."""
    kind = rules.WhichOneof("type")
    if kind is None:
        return None
    typed = getattr(rules, kind)
    unsupported = {f.name for f, _ in typed.ListFields()} - _SUPPORTED.get(kind, set())
    if unsupported:
        raise Unsupported(f"{field.full_name}: {kind}.{sorted(unsupported)}")
    if kind == "string":
        return _string_check(typed)
    if kind == "enum":
        return _enum_check(typed, field)
    if kind == "bool":
        return None
    return _number_check(typed)


def item_rules(rules: Any) -> Any:
    return rules.repeated.items if rules.WhichOneof("type") == "repeated" else None


MessageCheck = Callable[[Any], Iterator[Problem]]
