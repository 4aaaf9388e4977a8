"""The wire contract with the gateway, without a network: status mapping and caller metadata."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

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
    constant_case,
)
from stint.kit.grpc import (
    Caller,
    caller_scope,
    current_caller,
    error_to_status,
    field_violations_from_error,
    request_id_from_metadata,
)
from stint.kit.logctx import request_id_var

DETAILS_KEY = "grpc-status-details-bin"


class _FakeRpcError(grpc.RpcError):  # type: ignore[misc]
    """What a client sees: only the trailing metadata matters to the helper."""

    def __init__(self, trailing: Any) -> None:
        self._trailing = trailing

    def trailing_metadata(self) -> Any:
        return self._trailing


class _PostingNotFound(NotFound):
    pass


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (InvalidArgument("bad"), grpc.StatusCode.INVALID_ARGUMENT),
        (NotFound("gone"), grpc.StatusCode.NOT_FOUND),
        (PermissionDenied("no"), grpc.StatusCode.PERMISSION_DENIED),
        (Unauthenticated("who"), grpc.StatusCode.UNAUTHENTICATED),
        (FailedPrecondition("state"), grpc.StatusCode.FAILED_PRECONDITION),
        (AlreadyExists("dup"), grpc.StatusCode.ALREADY_EXISTS),
        (ConcurrencyConflict("race"), grpc.StatusCode.ABORTED),
        (ResourceExhausted("quota"), grpc.StatusCode.RESOURCE_EXHAUSTED),
        (_PostingNotFound("pst_1"), grpc.StatusCode.NOT_FOUND),
        (StintError("uncategorised"), grpc.StatusCode.FAILED_PRECONDITION),
    ],
)
def test_each_category_maps_to_one_code_with_its_message(error: StintError, code: Any) -> None:
    status = error_to_status(error)
    assert status.code == code
    assert status.details == error.message
    rich = status_pb2.Status.FromString(dict(status.trailing_metadata)[DETAILS_KEY])
    assert (rich.code, rich.message) == (code.value[0], error.message)


def test_field_violations_round_trip_through_trailing_metadata() -> None:
    violations = [
        FieldViolation("title", "must not be empty"),
        FieldViolation("fee.amount_minor", "must be positive"),
    ]
    status = error_to_status(InvalidArgument("2 invalid fields", violations))
    rich = status_pb2.Status.FromString(dict(status.trailing_metadata)[DETAILS_KEY])
    assert rich.details[0].Is(error_details_pb2.BadRequest.DESCRIPTOR)

    assert field_violations_from_error(_FakeRpcError(status.trailing_metadata)) == violations


@pytest.mark.parametrize(
    "trailing",
    [
        None,
        (),
        (("x-request-id", "r1"),),
        ((DETAILS_KEY, b"\xff\xff not a status"),),
        tuple(error_to_status(NotFound("gone")).trailing_metadata),
    ],
)
def test_no_violations_when_the_error_carries_no_bad_request(trailing: Any) -> None:
    assert field_violations_from_error(_FakeRpcError(trailing)) == []


def test_a_request_id_is_kept_when_well_formed_and_generated_otherwise() -> None:
    assert request_id_from_metadata([("x-request-id", "req-1")]) == "req-1"
    generated = request_id_from_metadata([("user-agent", "grpc-python")])
    assert len(generated) == 32
    assert request_id_from_metadata(None) != generated
    assert len(request_id_from_metadata([("x-request-id", "r" * 201)])) == 32
    assert request_id_from_metadata([("x-request-id", "req\u00e9")]) != "req\u00e9"


def test_caller_scope_binds_the_caller_and_request_id_then_restores() -> None:
    caller = Caller("usr_1", "admin", "", "req-7")
    assert current_caller().is_anonymous
    with caller_scope(caller):
        assert current_caller() == caller
        assert current_caller().is_admin
        assert request_id_var.get() == "req-7"
    assert current_caller() == Caller.anonymous()
    assert request_id_var.get() == ""


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("PostingNotOpen", "POSTING_NOT_OPEN"),
        ("InvalidArgument", "INVALID_ARGUMENT"),
        ("HTTPError", "HTTP_ERROR"),
        ("AiUseForbidden", "AI_USE_FORBIDDEN"),
        ("Http2Gone", "HTTP2_GONE"),
    ],
)
def test_error_codes_are_the_class_name_in_constant_case(name: str, code: str) -> None:
    assert constant_case(name) == code


def test_every_error_carries_its_stable_code_in_error_info() -> None:
    class PositionsFilled(FailedPrecondition):
        pass

    class Renamed(FailedPrecondition):
        code = "POSITIONS_FILLED"

    for error in (PositionsFilled("no position left"), Renamed("no position left")):
        status = error_to_status(error)
        rich = status_pb2.Status.FromString(dict(status.trailing_metadata)[DETAILS_KEY])
        infos = [d for d in rich.details if d.Is(error_details_pb2.ErrorInfo.DESCRIPTOR)]
        info = error_details_pb2.ErrorInfo()
        infos[0].Unpack(info)
        assert (info.reason, info.domain) == ("POSITIONS_FILLED", "stint.dev")


def test_a_transient_error_carries_retry_info_and_others_none() -> None:
    from stint.kit.grpc import retry_after_from_error

    class NotReady(FailedPrecondition):
        retry_after = 2

    transient = error_to_status(NotReady("not yet"))
    assert transient.code is grpc.StatusCode.FAILED_PRECONDITION
    assert retry_after_from_error(_FakeRpcError(transient.trailing_metadata)) == 2
    final = error_to_status(FailedPrecondition("never"))
    assert retry_after_from_error(_FakeRpcError(final.trailing_metadata)) == 0
    assert retry_after_from_error(_FakeRpcError(None)) == 0
