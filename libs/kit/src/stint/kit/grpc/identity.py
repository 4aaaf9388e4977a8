"""The caller of an RPC (design.md §4, §10).

The gateway authenticates the end user and vouches for them with a signed token
(`stint.kit.grpc.service_identity`); the server interceptor verifies it and binds the `Caller`
here, and services enforce ownership themselves. The kit holds no business rules: roles are
free strings, and only the *shape* of each value is checked.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass

from stint.kit.logctx import request_id_var

# The metadata keys that once carried identity: a call that still sends them is refused
# (see service_identity), so a forgotten client fails loudly instead of acting as anonymous.
SUBJECT_KEY = "x-stint-subject"
ROLE_KEY = "x-stint-role"
ORG_KEY = "x-stint-org"
REQUEST_ID_KEY = "x-request-id"

ADMIN_ROLE = "admin"
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
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


def well_formed_identity(value: str) -> bool:
    """Short and printable: what a subject, role, org or request id may be."""
    return len(value) <= MAX_VALUE_LENGTH and value.isprintable()


def request_id_from_metadata(metadata: Metadata | None) -> str:
    """The caller's ``x-request-id``, or a fresh one when it is absent or malformed.

    A bad correlation id is not worth refusing the call for, so it is replaced, not rejected.
    """
    for key, value in metadata or ():
        if key == REQUEST_ID_KEY and isinstance(value, str) and safe_request_id(value):
            return value
    return uuid.uuid4().hex


def safe_request_id(value: str) -> bool:
    """1 to 128 of ``A-Z a-z 0-9 . _ : -``: a request id travels in gRPC metadata (ASCII only)
    and into logs, so anything else is replaced by a fresh id rather than passed along."""
    return _SAFE_REQUEST_ID.fullmatch(value) is not None
