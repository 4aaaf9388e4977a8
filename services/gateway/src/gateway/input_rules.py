"""What the edge refuses before a request reaches a service (design.md §10: bounded inputs).

Each rule answers a caller's mistake with a 400/422 problem naming the field, never a 500:

- **JSON**: nested at most `MAX_DEPTH` deep (deeper input made protobuf's parser recurse until
  `RecursionError`), no `NaN`/`Infinity` (not JSON, and not a number any field can hold), no
  `null` below the top (protobuf reads it as "unset", the OpenAPI types never allow it: one
  spelling of "absent", leaving the field out).
- **Text**: no control characters but tab and newlines, no bidirectional overrides or isolates
  (U+202A to U+202E, U+2066 to U+2069: "Trojan Source" text that reads differently than it is
  stored), no lone surrogates (not encodable as UTF-8, so not storable). Every string in the
  body and the query.
- **Times**: every `google.protobuf.Timestamp` of a request between 1970 and 2100; a deadline
  in year 9999 is a typo or an attack, and far-future values break date arithmetic downstream.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from google.protobuf.message import Message

from gateway.problems import FieldError, ProblemError, invalid

MAX_DEPTH = 32
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_EARLIEST_SECONDS = int(EARLIEST.timestamp())
_LATEST_SECONDS = int(LATEST.timestamp())
# C0 controls but \t \n \r, DEL, C1 controls, bidi embeddings/overrides/isolates; escaped, so
# the OpenAPI can carry it (`stint.kit.jsonschema` writes it into request strings). Lone
# surrogates are refused as well, apart: no UTF-8 text holds one, and other languages' regex
# engines (Rust's, ECMAScript's with the `u` flag) cannot name them, so a schema must not.
FORBIDDEN_TEXT = r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]"
_FORBIDDEN = re.compile(FORBIDDEN_TEXT[:-1] + r"\ud800-\udfff]")
# The years of [EARLIEST, LATEST), as the start of an RFC 3339 timestamp.
TIME_PATTERN = r"^(19[7-9][0-9]|20[0-9]{2})-"


def _bad_request(detail: str) -> ProblemError:
    return ProblemError(400, "bad-request", "Bad request", detail)


def _invalid(errors: list[FieldError]) -> ProblemError:
    detail = "; ".join(f"{e.field}: {e.description}" for e in errors)
    return invalid(detail, errors)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_body(raw: bytes) -> Any:
    """The body as JSON (empty means ``{}``), checked for depth and text; problems otherwise."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise _bad_request(f"body is nested deeper than {MAX_DEPTH} levels") from exc
    except ValueError as exc:  # includes UnicodeDecodeError
        raise _bad_request(f"body is not JSON: {exc}") from exc
    if _depth(data) > MAX_DEPTH:
        raise _bad_request(f"body is nested deeper than {MAX_DEPTH} levels")
    errors = [FieldError(field=path, description=problem) for path, problem in _text_problems(data)]
    if errors:
        raise _invalid(errors)
    return data


def check_query_text(name: str, values: list[str]) -> None:
    """The text rule for the values of a query or path parameter."""
    for value in values:
        problem = text_problem(value)
        if problem:
            raise _invalid([FieldError(field=name, description=problem)])


def text_problem(value: str) -> str:
    """Why `value` may not be stored as text, or "" when it may."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return ""
    return f"contains a control or bidirectional-override character (U+{ord(found[0]):04X})"


def time_problem(seconds: int) -> str:
    """Why a time (seconds since the epoch) is refused, or "" when it may be sent."""
    if _EARLIEST_SECONDS <= seconds < _LATEST_SECONDS:
        return ""
    return f"must be between {EARLIEST.date()} and {LATEST.date()} (exclusive)"


def check_times(message: Message, body_field: str = "") -> None:
    """Every Timestamp in `message` (at any depth) lies in [1970, 2100).

    Paths are named as the caller wrote them: under `body_field` (the message field the JSON
    body fills), without that prefix.
    """
    prefix = f"{body_field}." if body_field else ""
    errors = [
        FieldError(
            field=path.removeprefix(prefix) if prefix else path,
            description=time_problem(seconds),
        )
        for path, seconds in _timestamps(message, "")
        if time_problem(seconds)
    ]
    if errors:
        raise _invalid(errors)


def _depth(data: Any) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _text_problems(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    # Depth is bounded by `_depth` before this runs, so recursion here is safe.
    if data is None and path:
        yield path, "must not be null (leave the field out for its default)"
    elif isinstance(data, str):
        problem = text_problem(data)
        if problem:
            yield path or "body", problem
    elif isinstance(data, dict):
        for key, value in data.items():
            child = f"{path}.{key}" if path else str(key)
            if text_problem(str(key)):
                yield path or "body", "a field name contains a control character"
            yield from _text_problems(value, child)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _text_problems(value, f"{path}[{index}]")


def _timestamps(message: Message, prefix: str) -> Iterator[tuple[str, int]]:
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        path = f"{prefix}.{field.name}" if prefix else field.name
        if field.message_type.GetOptions().map_entry:
            holds_messages = field.message_type.fields_by_name["value"].message_type is not None
            items = (
                [(f"{path}[{key}]", item) for key, item in value.items()] if holds_messages else []
            )
        elif field.is_repeated:
            items = [(f"{path}[{index}]", item) for index, item in enumerate(value)]
        else:
            items = [(path, value)]
        for where, item in items:
            if item.DESCRIPTOR.full_name == "google.protobuf.Timestamp":
                yield where, item.seconds
            else:
                yield from _timestamps(item, where)
