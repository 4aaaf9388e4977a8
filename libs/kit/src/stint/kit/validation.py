"""Request validation declared once, in the protos (`buf.validate` rules), run for every RPC.

The rules a request must meet on its own — required fields, lengths, ranges, patterns, enum
values — are annotations on the request messages (protovalidate's, design.md §10); the kit's
server interceptor checks every unary request with them before a handler runs, so no servicer
repeats them, and the gateway's OpenAPI document is generated from the same annotations. Rules
that need state or settings (the pay floor, a state transition, "the latest submission") stay in
the domain, which also keeps its invariants whoever calls it.

Two engines, one meaning: `stint.kit.validation_rules` compiles the standard rules our protos
use into plain Python (microseconds); a message type using anything else is checked by the
`protovalidate` package itself (milliseconds: cel-python). tests/unit/test_validation_conformance
holds the two to the same verdicts on every request type of the contracts.

A violation becomes the kit's `InvalidArgument` with one `FieldViolation` per problem, the path in
proto field names as the services report them (`posting.title`, `posting.skills[2]`,
`artifacts[0].url`); the gateway makes the paths relative to the body.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import protovalidate
from google.protobuf.message import Message

from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.validation_rules import Compiler
from stint.kit.validation_values import MessageCheck, Unsupported

_compiler = Compiler()


@cache
def _reference() -> protovalidate.Validator:
    return protovalidate.Validator()  # type: ignore[no-untyped-call]


def _check_of(descriptor: Any) -> MessageCheck | None:
    """The compiled check of a message type, or None when protovalidate must do it (the
    compiler remembers both answers)."""
    try:
        return _compiler.message(descriptor)
    except Unsupported:
        return None


def fast_path(message: Message) -> bool:
    """Whether `message`'s type is checked by the compiled rules (tests: every request is)."""
    return _check_of(message.DESCRIPTOR) is not None


def violations(message: Message) -> list[FieldViolation]:
    """Every rule `message` breaks (empty when it is valid)."""
    check = _check_of(message.DESCRIPTOR)
    if check is not None:
        return [FieldViolation(path, problem) for path, problem in check(message)]
    return reference_violations(message)


def reference_violations(message: Message) -> list[FieldViolation]:
    """What the protovalidate package itself finds (the reference the fast path must agree with)."""
    found = _reference().collect_violations(message)
    return [FieldViolation(field_path(v.proto), v.proto.message or v.proto.rule_id) for v in found]


def check(message: Message) -> None:
    """Raise InvalidArgument naming every field of `message` that breaks its proto rules."""
    problems = violations(message)
    if problems:
        summary = "; ".join(f"{p.field}: {p.description}" for p in problems)
        raise InvalidArgument(f"the request is not valid: {summary}", problems)


def field_path(violation: Any) -> str:
    """`posting.skills[2]` from a protovalidate Violation's FieldPath (names, indexes, keys)."""
    parts: list[str] = []
    for element in violation.field.elements:
        name = element.field_name
        subscript = element.WhichOneof("subscript")
        if subscript == "index":
            name += f"[{element.index}]"
        elif subscript is not None:
            name += f"[{getattr(element, subscript)!r}]"
        parts.append(name)
    return ".".join(parts)
