"""A posting's revision limit and milestones (issue 20): stored and returned, bounded, frozen
once open."""

from __future__ import annotations

import grpc
import pytest

from stint.common.v1 import work_pb2
from stint.postings.v1 import postings_service_pb2 as svc

from .conftest import EMPLOYER, Service, open_posting, posting_input

PLAN = [work_pb2.MilestonePlan(title="Outline", due_offset_days=3, deliverable="one page")]


async def test_the_revision_limit_and_milestones_are_kept_and_frozen_once_open(
    service: Service,
) -> None:
    posting = await open_posting(service, revision_limit=4, milestones=PLAN)
    assert posting.revision_limit == 4
    assert list(posting.milestones) == PLAN
    got = await service.stub.GetPosting(
        svc.GetPostingRequest(posting_id=posting.id), metadata=EMPLOYER
    )
    assert got.posting.revision_limit == 4
    assert list(got.posting.milestones) == PLAN
    frozen = svc.UpdatePostingRequest(
        posting_id=posting.id,
        posting=posting_input(revision_limit=1),
        update_mask={"paths": ["revision_limit"]},
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await service.stub.UpdatePosting(frozen, metadata=EMPLOYER)
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_the_default_limit_and_a_milestone_past_the_work_window(service: Service) -> None:
    posting = await open_posting(service)
    assert posting.revision_limit == 2
    late = [work_pb2.MilestonePlan(title="Too late", due_offset_days=30)]  # window: 14 days
    request = svc.CreatePostingRequest(posting=posting_input(milestones=late))
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await service.stub.CreatePosting(request, metadata=EMPLOYER)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
