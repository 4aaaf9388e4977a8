"""A backend's RetryInfo becomes Retry-After on the HTTP answer, whatever the status."""

from __future__ import annotations

import grpc

from gateway.problems import from_rpc_error
from stint.kit.errors import FailedPrecondition, NotFound
from stint.kit.grpc import error_to_status


class PostingNotReady(FailedPrecondition):
    retry_after = 1


def rpc_error(status: grpc.Status) -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(
        status.code,
        grpc.aio.Metadata(),
        grpc.aio.Metadata(*status.trailing_metadata),
        details=status.details,
    )


def test_a_transient_conflict_is_409_with_retry_after_and_its_code() -> None:
    problem = from_rpc_error(rpc_error(error_to_status(PostingNotReady("retry shortly"))))
    assert problem.status == 409
    assert problem.headers == {"Retry-After": "1"}
    assert problem.code == "POSTING_NOT_READY"
    assert problem.detail == "retry shortly"


def test_other_client_errors_carry_no_retry_after() -> None:
    problem = from_rpc_error(rpc_error(error_to_status(NotFound("posting pst_x not found"))))
    assert problem.status == 404
    assert problem.headers == {}
