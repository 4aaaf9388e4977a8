"""The platform maximum per amount over real gRPC: the tester's int64-maximum fee is refused
with a field violation, on create and on update, and nothing is stored or published. Two layers
answer: the proto rule on `Money` (no amount above 10^15, checked before any handler runs) and
the domain's policy (STINT_MAX_AMOUNT_MINOR, USD 100,000.00 by default)."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.field_mask_pb2 import FieldMask

from stint.common.v1 import money_pb2
from stint.kit.grpc import field_violations_from_error
from stint.kit.money import INT64_MAX
from stint.kit.mongo import Database
from stint.postings.v1 import postings_service_pb2 as svc

from .conftest import EMPLOYER, Service, posting_input

ABSURD = money_pb2.Money(amount_minor=INT64_MAX, currency="USD")
ABOVE_POLICY = money_pb2.Money(amount_minor=10_000_001, currency="USD")
MAXIMUM = "must be at most USD 100000.00 (the platform maximum per amount)"
CEILING = "must be at most 1000000000000000"


async def fee_violations(call: object) -> dict[str, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return {v.field: v.description for v in field_violations_from_error(caught.value)}


async def test_a_fee_above_the_maximum_is_refused_on_create(
    service: Service, mongo_db: Database
) -> None:
    create = svc.CreatePostingRequest(posting=posting_input(fee=ABSURD))
    violations = await fee_violations(service.stub.CreatePosting(create, metadata=EMPLOYER))
    assert violations == {"posting.fee.amount_minor": CEILING}
    create = svc.CreatePostingRequest(posting=posting_input(fee=ABOVE_POLICY))
    violations = await fee_violations(service.stub.CreatePosting(create, metadata=EMPLOYER))
    assert violations == {"posting.fee.amount_minor": MAXIMUM}
    assert await mongo_db["postings"].count_documents({}) == 0


async def test_a_fee_above_the_maximum_is_refused_on_update(service: Service) -> None:
    draft = await service.stub.CreatePosting(
        svc.CreatePostingRequest(posting=posting_input()), metadata=EMPLOYER
    )
    update = svc.UpdatePostingRequest(
        posting_id=draft.posting.id,
        posting=posting_input(fee=ABSURD),
        update_mask=FieldMask(paths=["fee"]),
    )
    violations = await fee_violations(service.stub.UpdatePosting(update, metadata=EMPLOYER))
    assert violations == {"posting.fee.amount_minor": MAXIMUM}
    stored = await service.stub.GetPosting(
        svc.GetPostingRequest(posting_id=draft.posting.id), metadata=EMPLOYER
    )
    assert stored.posting.fee.amount_minor == 60_000
