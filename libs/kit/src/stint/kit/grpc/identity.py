"""Caller identity carried in gRPC metadata (design.md §4).

The gateway authenticates the end user and forwards who they are in metadata; services read it
here and enforce ownership themselves. The kit holds no business rules: roles are free strings,
and only the *shape* of each value is checked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass

from stint.kit.errors import Unauthenticated
from stint.kit.logctx import request_id_var

SUBJECT_KEY = "x-stint-subject"
ROLE_KEY = "x-stint-role"
ORG_KEY = "x-stint-org"
REQUEST_ID_KEY = "x-request-id"

ADMIN_ROLE = "admin"
MAX_VALUE_LENGTH = 200

# gRPC hands metadata over as (key, value) pairs; values of non "-bin" keys are str.
Metadata = Iterable[tuple[str, str | bytes]]


@dataclass(frozen=True)
class Caller:
    """Who is calling: the JWT subject, role and organisation, plus the request id."""

    subject: str
    role: str
    org: str
    request_id: str

    @property
    def is_admin(self) -> bool:
        """True for platform operators."""
        return self.role == ADMIN_ROLE

    @property
    def is_anonymous(self) -> bool:
        """True when no subject came with the request."""
        return not self.subject

    @classmethod
    def anonymous(cls, request_id: str = "") -> Caller:
        """A caller without identity (e.g. a probe, or a timer acting on its own)."""
        return cls(subject="", role="", org="", request_id=request_id)


_caller_var: ContextVar[Caller | None] = ContextVar("stint_caller", default=None)


def current_caller() -> Caller:
    """The caller of the RPC being handled; anonymous outside of one.

    Anonymous (empty subject) rather than an error, so that an ownership check written as
    ``caller.subject == doc.owner`` fails closed when a handler runs without the interceptor.
    """
    return _caller_var.get() or Caller.anonymous(request_id_var.get())


@contextmanager
def caller_scope(caller: Caller) -> Iterator[Caller]:
    """Make `caller` the current caller (and its request id the logged one) inside the block.

    The server interceptor uses this for every RPC; tests can use it to call handlers directly.
    """
    caller_token = _caller_var.set(caller)
    request_token = request_id_var.set(caller.request_id)
    try:
        yield caller
    finally:
        # An async generator finalized by the event loop exits in another context, where there
        # is nothing to restore (and reset() raises ValueError).
        with suppress(ValueError):
            request_id_var.reset(request_token)
            _caller_var.reset(caller_token)


def _well_formed(value: str) -> bool:
    return len(value) <= MAX_VALUE_LENGTH and value.isprintable()


def request_id_from_metadata(metadata: Metadata | None) -> str:
    """The caller's ``x-request-id``, or a fresh one when it is absent or malformed.

    A bad correlation id is not worth refusing the call for, so it is replaced, not rejected.
    """
    for key, value in metadata or ():
        if key == REQUEST_ID_KEY and isinstance(value, str) and value and _well_formed(value):
            return value
    return uuid.uuid4().hex


def caller_from_metadata(metadata: Metadata | None) -> Caller:
    """Read the caller from invocation metadata; missing identity values become empty strings.

    Raises `Unauthenticated` when an identity value is oversized, not printable, binary or
    repeated: such a request did not come from the gateway and must not be guessed at.
    """
    pairs = tuple(metadata or ())  # read twice below, so an iterator must not be exhausted
    wanted = {SUBJECT_KEY: "", ROLE_KEY: "", ORG_KEY: ""}
    seen: set[str] = set()
    for key, value in pairs:
        if key not in wanted:
            continue
        if key in seen or not isinstance(value, str) or not _well_formed(value):
            raise Unauthenticated(f"malformed {key} metadata")
        seen.add(key)
        wanted[key] = value
    return Caller(
        subject=wanted[SUBJECT_KEY],
        role=wanted[ROLE_KEY],
        org=wanted[ORG_KEY],
        request_id=request_id_from_metadata(pairs),
    )


def caller_metadata(caller: Caller) -> tuple[tuple[str, str], ...]:
    """Metadata that conveys `caller` to a service (used by the gateway and by tests).

    Empty values are left out: the server reads a missing key as an empty string anyway.
    """
    pairs = (
        (SUBJECT_KEY, caller.subject),
        (ROLE_KEY, caller.role),
        (ORG_KEY, caller.org),
        (REQUEST_ID_KEY, caller.request_id),
    )
    return tuple((key, value) for key, value in pairs if value)
