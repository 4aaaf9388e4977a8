"""Errors of the notifications context (kit categories, so gRPC maps them)."""

from __future__ import annotations

from stint.kit.errors import FailedPrecondition, NotFound, PermissionDenied


class EndpointNotFound(NotFound):
    """No such endpoint, or it belongs to another tenant."""


class MessageNotFound(NotFound):
    """No such message, or it belongs to another tenant."""


class NotAnOwner(PermissionDenied):
    """The caller's role cannot own webhook endpoints (students)."""


class EndpointDisabled(FailedPrecondition):
    """The endpoint is disabled; enable it before (re)delivering."""
