"""Error categories shared by every service.

These are plain Python exceptions (no gRPC, no protobuf) so that a service's pure domain can
raise them; the gRPC layer maps each category to exactly one status code, and the gateway
maps those to HTTP. Business meaning lives in each service's own subclasses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldViolation:
    """One invalid input field: `field` is a dotted path (e.g. ``fee.amount_minor``)."""

    field: str
    description: str


class StintError(Exception):
    """Base of every error a caller can cause; carries a human-readable message and a stable,
    machine-readable `code` (clients branch on the code, never on the message): the class's
    `code` when it sets one, else its name in CONSTANT_CASE (`PostingNotOpen` →
    ``POSTING_NOT_OPEN``; a bare category: ``INVALID_ARGUMENT``)."""

    code: str = ""
    # Seconds after which the same request may succeed (a transient state, e.g. a projection
    # that has not caught up yet); 0: retrying does not help. Sent as google.rpc.RetryInfo,
    # answered by the gateway as a Retry-After header.
    retry_after: int = 0

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def error_code(self) -> str:
        return self.code or constant_case(type(self).__name__)


def constant_case(name: str) -> str:
    """``PostingNotOpen`` → ``POSTING_NOT_OPEN`` (``HTTPError`` → ``HTTP_ERROR``)."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)
    return "_".join(w.upper() for w in words)


class InvalidArgument(StintError):
    """The request is malformed; `violations` names every offending field."""

    def __init__(self, message: str, violations: list[FieldViolation] | None = None) -> None:
        super().__init__(message)
        self.violations: list[FieldViolation] = list(violations or [])

    @classmethod
    def of(cls, field: str, description: str) -> InvalidArgument:
        return cls(f"{field}: {description}", [FieldViolation(field, description)])


class NotFound(StintError):
    """The resource does not exist, or the caller may not know that it exists."""


class PermissionDenied(StintError):
    """The caller is known but may never perform this action."""


class Unauthenticated(StintError):
    """No usable caller identity came with the request."""


class FailedPrecondition(StintError):
    """The resource is in the wrong state for this action."""


class AlreadyExists(StintError):
    """A resource with the same identity already exists."""


class ConcurrencyConflict(StintError):
    """An optimistic version check failed; the caller may retry."""


class ResourceExhausted(StintError):
    """A quota or limit was reached."""
