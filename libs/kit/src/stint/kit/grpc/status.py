"""Mapping between the kit's error categories and gRPC status codes (design.md §4).

Every error is sent as a rich status (``grpc-status-details-bin``): a ``google.rpc.Status``
whose details carry a ``google.rpc.ErrorInfo`` (the error's stable code as its `reason`, domain
``stint.dev``) and, for invalid arguments, a ``google.rpc.BadRequest``, so that the gateway can
report the code and each offending field instead of one opaque message.
"""

from __future__ import annotations

from typing import Any

import grpc
from google.protobuf.message import DecodeError
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from stint.kit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    StintError,
    Unauthenticated,
)

DETAILS_METADATA_KEY = "grpc-status-details-bin"
ERROR_DOMAIN = "stint.dev"

# Checked in order with isinstance, so a service's own subclass (e.g. `PostingNotFound(NotFound)`)
# maps like its category.
_CODES: tuple[tuple[type[StintError], grpc.StatusCode], ...] = (
    (InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (FailedPrecondition, grpc.StatusCode.FAILED_PRECONDITION),
    (AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (ConcurrencyConflict, grpc.StatusCode.ABORTED),
    (ResourceExhausted, grpc.StatusCode.RESOURCE_EXHAUSTED),
)


def status_code_for(exc: StintError) -> grpc.StatusCode:
    """The one status code for `exc`'s category.

    A bare `StintError` (no category) is still the caller's doing, so it becomes
    FAILED_PRECONDITION ("cannot do that now"), never UNKNOWN or INTERNAL.
    """
    for category, code in _CODES:
        if isinstance(exc, category):
            return code
    return grpc.StatusCode.FAILED_PRECONDITION


def error_to_status(exc: StintError) -> grpc.Status:
    """A `grpc.Status` (code, details, trailing_metadata) ready for `context.abort_with_status`.

    The trailing metadata holds the serialized ``google.rpc.Status``; for `InvalidArgument` it
    contains a ``BadRequest`` listing every field violation.
    """
    code = status_code_for(exc)
    rich = status_pb2.Status(code=code.value[0], message=exc.message)
    if isinstance(exc, InvalidArgument) and exc.violations:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=violation.field, description=violation.description
                )
                for violation in exc.violations
            ]
        )
        rich.details.add().Pack(bad_request)
    rich.details.add().Pack(error_details_pb2.ErrorInfo(reason=exc.error_code, domain=ERROR_DOMAIN))
    if exc.retry_after > 0:
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.seconds = exc.retry_after
        rich.details.add().Pack(retry)
    return rpc_status.to_status(rich)


def _rich_status(trailing_metadata: Any) -> status_pb2.Status | None:
    for key, value in trailing_metadata or ():
        if key == DETAILS_METADATA_KEY and isinstance(value, bytes):
            try:
                return status_pb2.Status.FromString(value)
            except DecodeError:
                return None  # a garbled detail must not hide the status code itself
    return None


def error_code_from_error(rpc_error: grpc.RpcError) -> str:
    """The stable code (``ErrorInfo.reason``) of an error received by a client, else ""."""
    for detail in _details(rpc_error):
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return str(info.reason)
    return ""


def retry_after_from_error(rpc_error: grpc.RpcError) -> int:
    """Whole seconds of the error's ``google.rpc.RetryInfo`` (rounded up, at least 1), else 0."""
    for detail in _details(rpc_error):
        if detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            info = error_details_pb2.RetryInfo()
            detail.Unpack(info)
            seconds: int = info.retry_delay.seconds + (1 if info.retry_delay.nanos > 0 else 0)
            return max(1, seconds)
    return 0


def _details(rpc_error: grpc.RpcError) -> list[Any]:
    read_trailing = getattr(rpc_error, "trailing_metadata", None)
    rich = _rich_status(read_trailing() if callable(read_trailing) else None)
    return list(rich.details) if rich is not None else []


def field_violations_from_error(rpc_error: grpc.RpcError) -> list[FieldViolation]:
    """The field violations of an INVALID_ARGUMENT error received by a client.

    Works with `grpc.aio.AioRpcError` and with sync-stack `grpc.RpcError` calls; returns an
    empty list when the error carries no ``google.rpc.BadRequest``.
    """
    violations: list[FieldViolation] = []
    for detail in _details(rpc_error):
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            violations.extend(
                FieldViolation(field=v.field, description=v.description)
                for v in bad_request.field_violations
            )
    return violations
