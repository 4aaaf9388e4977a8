"""Companies and the review queue over real gRPC, Kafka and FerretDB."""

from __future__ import annotations

import grpc
import pytest

from stint.common.v1 import pagination_pb2
from stint.kit.testing.kafka import headers_of, read_all
from stint.kit.testing.poll import eventually
from stint.postings.v1 import company_pb2, events_pb2, posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc

from .conftest import ADMIN, EMPLOYER, Service, posting_input, verify_company, who

STUDENT = who("student", "uni_mit")
RIVAL = who("employer", "cmp_rival")
UNVERIFIED = who("employer", "cmp_newco")


async def fails(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    return caught.value


async def publish_new(service: Service, metadata: object, **changes: object) -> posting_pb2.Posting:
    created = await service.stub.CreatePosting(
        svc.CreatePostingRequest(posting=posting_input(**changes)), metadata=metadata
    )
    reply = await service.stub.PublishPosting(
        svc.PublishPostingRequest(posting_id=created.posting.id), metadata=metadata
    )
    return reply.posting


async def queue(
    service: Service, page_size: int = 0, token: str = ""
) -> svc.ListReviewQueueResponse:
    return await service.stub.ListReviewQueue(
        svc.ListReviewQueueRequest(
            page=pagination_pb2.PageRequest(page_size=page_size, page_token=token)
        ),
        metadata=ADMIN,
    )


async def test_company_profile_visibility_and_name_on_postings(service: Service) -> None:
    own = await service.stub.GetCompany(
        svc.GetCompanyRequest(company_id="cmp_acme"), metadata=EMPLOYER
    )
    assert own.company.version == 0
    assert own.company.verification.status == company_pb2.VERIFICATION_STATUS_UNVERIFIED
    unknown = service.stub.GetCompany(
        svc.GetCompanyRequest(company_id="cmp_acme"), metadata=STUDENT
    )
    assert (await fails(unknown)).code() == grpc.StatusCode.NOT_FOUND
    bad = svc.UpdateCompanyRequest(company_id="cmp_acme", display_name="Acme", website="http://x")
    assert (await fails(service.stub.UpdateCompany(bad, metadata=EMPLOYER))).code() == (
        grpc.StatusCode.INVALID_ARGUMENT
    )
    update = svc.UpdateCompanyRequest(
        company_id="cmp_acme", display_name="Acme Analytics", website="https://acme.example"
    )
    rival = service.stub.UpdateCompany(update, metadata=RIVAL)
    assert (await fails(rival)).code() == grpc.StatusCode.NOT_FOUND  # unknown to them yet
    saved = await service.stub.UpdateCompany(update, metadata=EMPLOYER)
    assert saved.company.version == 1
    assert (await fails(service.stub.UpdateCompany(update, metadata=RIVAL))).code() == (
        grpc.StatusCode.PERMISSION_DENIED
    )
    await service.stub.SetCompanyVerification(
        svc.SetCompanyVerificationRequest(
            company_id="cmp_acme",
            status=company_pb2.VERIFICATION_STATUS_VERIFIED,
            domain="acme.example",
            documents=["https://files.example/registry.pdf"],
            note="checked the registry",
        ),
        metadata=ADMIN,
    )
    public = await service.stub.GetCompany(
        svc.GetCompanyRequest(company_id="cmp_acme"), metadata=STUDENT
    )
    assert public.company.display_name == "Acme Analytics"
    assert public.company.verification.status == company_pb2.VERIFICATION_STATUS_VERIFIED
    assert list(public.company.verification.documents) == []
    assert public.company.verification.note == ""
    posting = await publish_new(service, EMPLOYER)
    assert posting.status == posting_pb2.POSTING_STATUS_OPEN
    assert posting.company_name == "Acme Analytics"
    listed = await service.stub.ListCompanies(
        svc.ListCompaniesRequest(verification=company_pb2.VERIFICATION_STATUS_VERIFIED),
        metadata=ADMIN,
    )
    assert [c.id for c in listed.companies] == ["cmp_acme"]


async def test_unverified_publishes_wait_in_the_queue_oldest_first(service: Service) -> None:
    first = await publish_new(service, UNVERIFIED)
    second = await publish_new(service, UNVERIFIED, title="Second study")
    assert first.status == posting_pb2.POSTING_STATUS_PENDING_REVIEW
    assert [f.code for f in first.review.findings] == ["unverified_company"]
    hidden = service.stub.GetPosting(svc.GetPostingRequest(posting_id=first.id), metadata=STUDENT)
    assert (await fails(hidden)).code() == grpc.StatusCode.NOT_FOUND
    page = await queue(service, page_size=1)
    assert [p.id for p in page.postings] == [first.id]
    rest = await queue(service, page_size=1, token=page.page.next_page_token)
    assert [p.id for p in rest.postings] == [second.id]
    assert (
        await fails(service.stub.ListReviewQueue(svc.ListReviewQueueRequest(), metadata=EMPLOYER))
    ).code() == (grpc.StatusCode.PERMISSION_DENIED)

    approved = await service.stub.ApprovePostingReview(
        svc.ApprovePostingReviewRequest(posting_id=first.id), metadata=ADMIN
    )
    assert approved.posting.status == posting_pb2.POSTING_STATUS_OPEN
    assert approved.posting.review.status == posting_pb2.REVIEW_STATUS_APPROVED
    declined = await service.stub.DeclinePostingReview(
        svc.DeclinePostingReviewRequest(posting_id=second.id, reason="describe the work"),
        metadata=ADMIN,
    )
    assert declined.posting.status == posting_pb2.POSTING_STATUS_DRAFT
    assert declined.posting.review.reason == "describe the work"
    assert (await queue(service)).postings == []

    async def types() -> list[str]:
        records = await read_all(service.settings.kafka_bootstrap, service.topic)
        return [
            headers_of(r)["ce_type"].rsplit(".", 1)[1]
            for r in records
            if r.key == first.id.encode()
        ]

    found = await eventually(types, until=lambda t: "PostingPublished" in t)
    assert found[-3:] == ["PostingSubmittedForReview", "PostingReviewApproved", "PostingPublished"]


async def test_flag_then_take_down(service: Service) -> None:
    await verify_company(service, "cmp_acme")
    posting = await publish_new(service, EMPLOYER)
    assert posting.status == posting_pb2.POSTING_STATUS_OPEN
    flag = svc.FlagPostingRequest(posting_id=posting.id, reason="asks for a deposit")
    await service.stub.FlagPosting(flag, metadata=STUDENT)
    await service.stub.FlagPosting(flag, metadata=RIVAL)
    own = service.stub.FlagPosting(flag, metadata=EMPLOYER)
    assert (await fails(own)).code() == grpc.StatusCode.PERMISSION_DENIED
    [queued] = (await queue(service)).postings
    assert queued.id == posting.id
    assert queued.status == posting_pb2.POSTING_STATUS_OPEN
    assert queued.review.flag_count == 2
    taken = await service.stub.TakeDownPosting(
        svc.TakeDownPostingRequest(posting_id=posting.id, reason="scam"), metadata=ADMIN
    )
    assert taken.posting.status == posting_pb2.POSTING_STATUS_TAKEN_DOWN
    assert (await queue(service)).postings == []
    again = service.stub.TakeDownPosting(
        svc.TakeDownPostingRequest(posting_id=posting.id, reason="scam"), metadata=ADMIN
    )
    assert (await fails(again)).code() == grpc.StatusCode.FAILED_PRECONDITION

    async def taken_down() -> list[events_pb2.PostingTakenDown]:
        records = await read_all(service.settings.kafka_bootstrap, service.topic)
        return [
            events_pb2.PostingTakenDown.FromString(r.value)
            for r in records
            if headers_of(r)["ce_type"] == "stint.postings.v1.PostingTakenDown"
        ]

    [event] = await eventually(taken_down, until=lambda found: len(found) == 1)
    assert event.reason == "scam"
    assert event.posting.status == posting_pb2.POSTING_STATUS_TAKEN_DOWN


async def test_another_tenants_posting_is_not_found_for_review_routes(service: Service) -> None:
    pending = await publish_new(
        service,
        UNVERIFIED,
        visibility=posting_pb2.VISIBILITY_UNIVERSITIES,
        university_ids=["uni_x"],
    )
    for call in (
        service.stub.FlagPosting(
            svc.FlagPostingRequest(posting_id=pending.id, reason="x"), metadata=RIVAL
        ),
        service.stub.FlagPosting(
            svc.FlagPostingRequest(posting_id=pending.id, reason="x"), metadata=STUDENT
        ),
        service.stub.ApprovePostingReview(
            svc.ApprovePostingReviewRequest(posting_id="pst_nope"), metadata=ADMIN
        ),
    ):
        assert (await fails(call)).code() == grpc.StatusCode.NOT_FOUND
