"""Status codes over real gRPC: field violations, wrong state, other tenants, identity."""

from __future__ import annotations

import grpc
import pytest

from stint.common.v1 import money_pb2
from stint.kit.grpc import field_violations_from_error
from stint.postings.v1 import postings_service_pb2 as svc

from .conftest import EMPLOYER, Service, open_posting, posting_input, who


async def fails(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    return caught.value


async def test_bad_input_lists_every_field_violation(service: Service) -> None:
    # The proto rules (every field on its own) answer first, each bad field at once ...
    bad = posting_input(
        title="x",
        positions=11,
        estimated_hours=20,
        fee=money_pb2.Money(amount_minor=30_000, currency="USD"),
    )
    error = await fails(
        service.stub.CreatePosting(svc.CreatePostingRequest(posting=bad), metadata=EMPLOYER)
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = {v.field: v.description for v in field_violations_from_error(error)}
    assert violations == {
        "posting.title": "must be at least 3 characters",
        "posting.positions": "must be at most 10",
    }
    # ... then the domain's rules that need settings (the pay floor, dates against now).
    below_floor = posting_input(
        estimated_hours=20, fee=money_pb2.Money(amount_minor=30_000, currency="USD")
    )
    error = await fails(
        service.stub.CreatePosting(svc.CreatePostingRequest(posting=below_floor), metadata=EMPLOYER)
    )
    violations = {v.field: v.description for v in field_violations_from_error(error)}
    assert set(violations) == {"posting.fee.amount_minor"}
    assert "at least USD 400.00" in violations["posting.fee.amount_minor"]


async def test_wrong_state_is_failed_precondition(service: Service) -> None:
    posting = await open_posting(service)
    error = await fails(
        service.stub.PublishPosting(
            svc.PublishPostingRequest(posting_id=posting.id), metadata=EMPLOYER
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    frozen = svc.UpdatePostingRequest(
        posting_id=posting.id, posting=posting_input(title="New"), update_mask={"paths": ["title"]}
    )
    error = await fails(service.stub.UpdatePosting(frozen, metadata=EMPLOYER))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_other_companies_postings_are_not_found(service: Service) -> None:
    draft = await service.stub.CreatePosting(
        svc.CreatePostingRequest(posting=posting_input()), metadata=EMPLOYER
    )
    rival = who("employer", "cmp_rival")
    for call in (
        service.stub.GetPosting(svc.GetPostingRequest(posting_id=draft.posting.id), metadata=rival),
        service.stub.PublishPosting(
            svc.PublishPostingRequest(posting_id=draft.posting.id), metadata=rival
        ),
        service.stub.CancelPosting(
            svc.CancelPostingRequest(posting_id=draft.posting.id), metadata=rival
        ),
    ):
        assert (await fails(call)).code() == grpc.StatusCode.NOT_FOUND


async def test_identity_roles_and_versions(service: Service) -> None:
    posting = await open_posting(service)
    anonymous = service.stub.GetPosting(svc.GetPostingRequest(posting_id=posting.id))
    assert (await fails(anonymous)).code() == grpc.StatusCode.UNAUTHENTICATED
    student_closes = service.stub.ClosePosting(
        svc.ClosePostingRequest(posting_id=posting.id), metadata=who("student", "uni_mit")
    )
    assert (await fails(student_closes)).code() == grpc.StatusCode.PERMISSION_DENIED
    stale = service.stub.ClosePosting(
        svc.ClosePostingRequest(posting_id=posting.id, expected_version=1), metadata=EMPLOYER
    )
    assert (await fails(stale)).code() == grpc.StatusCode.ABORTED
    closed = await service.stub.ClosePosting(
        svc.ClosePostingRequest(posting_id=posting.id, expected_version=posting.version),
        metadata=EMPLOYER,
    )
    assert closed.posting.version == posting.version + 1
    no_reason = service.stub.DeclinePostingForUniversity(
        svc.DeclinePostingForUniversityRequest(posting_id=posting.id),
        metadata=who("university", "uni_mit"),
    )
    error = await fails(no_reason)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_from_error(error)] == ["reason"]
