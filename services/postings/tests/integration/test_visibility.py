"""Who sees what over gRPC (ListPostings and GetPosting), with filters and pagination."""

from __future__ import annotations

import grpc
import pytest

from stint.common.v1 import money_pb2, pagination_pb2, work_pb2
from stint.kit.grpc import field_violations_from_error
from stint.postings.v1 import posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc

from .conftest import EMPLOYER, Service, open_posting, posting_input, who

RIVAL = who("employer", "cmp_rival")
STUDENT_MIT = who("student", "uni_mit")
STUDENT_OTHER = who("student", "uni_other")
STUDENT_NONE = who("student", "")
MIT = who("university", "uni_mit")
OTHER_UNI = who("university", "uni_other")
ADMIN = who("admin")
AIMED = {"visibility": posting_pb2.VISIBILITY_UNIVERSITIES}


async def ids(service: Service, metadata: object, **filters: object) -> list[str]:
    reply = await service.stub.ListPostings(svc.ListPostingsRequest(**filters), metadata=metadata)
    return [p.id for p in reply.postings]


async def visible(service: Service, metadata: object, posting_id: str) -> bool:
    try:
        await service.stub.GetPosting(
            svc.GetPostingRequest(posting_id=posting_id), metadata=metadata
        )
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.NOT_FOUND:
            raise
        return False
    return True


async def test_visibility_rules_hold_for_each_role(service: Service) -> None:
    public = (await open_posting(service)).id
    approved = (await open_posting(service, **AIMED, university_ids=["uni_mit", "uni_x"])).id
    pending = (await open_posting(service, **AIMED, university_ids=["uni_mit"])).id
    draft = (
        await service.stub.CreatePosting(
            svc.CreatePostingRequest(posting=posting_input()), metadata=EMPLOYER
        )
    ).posting.id
    rivals = (await open_posting(service, RIVAL)).id
    await service.stub.ApprovePostingForUniversity(
        svc.ApprovePostingForUniversityRequest(posting_id=approved), metadata=MIT
    )

    newest_first = [rivals, draft, pending, approved, public]
    expected = {
        "admin": (ADMIN, newest_first),
        "employer": (EMPLOYER, [draft, pending, approved, public]),
        "rival": (RIVAL, [rivals]),
        "student at mit": (STUDENT_MIT, [rivals, approved, public]),
        "student elsewhere": (STUDENT_OTHER, [rivals, public]),
        "student without university": (STUDENT_NONE, [rivals, public]),
        "mit": (MIT, [pending, approved]),
        "other university": (OTHER_UNI, []),
    }
    for role, (metadata, wanted) in expected.items():
        assert await ids(service, metadata) == wanted, role
        for posting_id in newest_first:
            assert await visible(service, metadata, posting_id) == (posting_id in wanted), (
                role,
                posting_id,
            )


async def test_filters_order_and_pagination(service: Service) -> None:
    cheap = await open_posting(service, title="Survey design", skills=["Surveys"])
    data = await open_posting(
        service,
        title="Churn analysis",
        category=work_pb2.CATEGORY_DATA_ANALYSIS,
        skills=["Python", "SQL"],
        estimated_hours=30,
        fee=money_pb2.Money(amount_minor=150_000, currency="USD"),
    )
    writing = await open_posting(service, title="Blog series", summary="Write about churn")
    # Free text searches titles, summaries and descriptions.
    await service.stub.UpdatePosting(
        svc.UpdatePostingRequest(
            posting_id=cheap.id,
            posting=posting_input(description="About churn"),
            update_mask={"paths": ["description"]},
        ),
        metadata=EMPLOYER,
    )

    assert await ids(service, STUDENT_NONE, query="churn") == [writing.id, data.id, cheap.id]
    assert await ids(service, STUDENT_NONE, query="about CHURN") == [writing.id, cheap.id]
    assert await ids(service, STUDENT_NONE, skills=["python", "Excel"]) == [writing.id, data.id]
    assert await ids(service, STUDENT_NONE, skills=["python", "SQL"], skill_match=2) == [data.id]
    assert await ids(service, STUDENT_NONE, categories=[work_pb2.CATEGORY_DATA_ANALYSIS]) == [
        data.id
    ]
    assert await ids(service, STUDENT_NONE, hours_min=25) == [data.id]
    fee_min = money_pb2.Money(amount_minor=100_000, currency="USD")
    assert await ids(service, STUDENT_NONE, fee_min=fee_min) == [data.id]
    assert await ids(service, STUDENT_NONE, statuses=[posting_pb2.POSTING_STATUS_DRAFT]) == []

    seen: list[str] = []
    token = ""
    for _ in range(3):
        reply = await service.stub.ListPostings(
            svc.ListPostingsRequest(
                page=pagination_pb2.PageRequest(page_size=2, page_token=token), order=2
            ),
            metadata=STUDENT_NONE,
        )
        seen += [p.id for p in reply.postings]
        token = reply.page.next_page_token
        if not token:
            break
    # Deadlines were computed a few milliseconds apart, in creation order.
    assert seen == [cheap.id, data.id, writing.id]


async def test_a_bad_page_token_is_invalid(service: Service) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.ListPostings(
            svc.ListPostingsRequest(page=pagination_pb2.PageRequest(page_token="nope")),
            metadata=STUDENT_NONE,
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_newest_first_pages_end_without_an_empty_page(service: Service) -> None:
    created = [(await open_posting(service)).id for _ in range(4)]
    pages: list[list[str]] = []
    token = ""
    while True:
        reply = await service.stub.ListPostings(
            svc.ListPostingsRequest(page=pagination_pb2.PageRequest(page_size=2, page_token=token)),
            metadata=STUDENT_NONE,
        )
        pages.append([p.id for p in reply.postings])
        token = reply.page.next_page_token
        if not token:
            break
    assert pages == [created[:1:-1], created[1::-1]]


async def test_page_sizes_above_the_maximum_and_tokens_of_another_order_are_refused(
    service: Service,
) -> None:
    for _ in range(2):
        await open_posting(service)
    first = await service.stub.ListPostings(
        svc.ListPostingsRequest(page=pagination_pb2.PageRequest(page_size=1)),
        metadata=STUDENT_NONE,
    )
    assert first.page.next_page_token
    refused = [
        svc.ListPostingsRequest(page=pagination_pb2.PageRequest(page_size=101)),
        svc.ListPostingsRequest(
            page=pagination_pb2.PageRequest(page_token=first.page.next_page_token), order=2
        ),
    ]
    fields = []
    for request in refused:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await service.stub.ListPostings(request, metadata=STUDENT_NONE)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        fields += [v.field for v in field_violations_from_error(caught.value)]
    assert fields == ["page.page_size", "page.page_token"]
