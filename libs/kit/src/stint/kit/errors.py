"""Error categories shared by every service.

These are plain Python exceptions (no gRPC, no protobuf) so that a service's pure domain can
raise them; the gRPC layer maps each category to exactly one status code, and the gateway
maps those to HTTP. Business meaning lives in each service's own subclasses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldViolation:
    """One invalid input field: `field` is a dotted path (e.g. ``fee.amount_minor``)."""

    field: str
    description: str


class StintError(Exception):
    """Base of every error a caller can cause; carries a human-readable message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
