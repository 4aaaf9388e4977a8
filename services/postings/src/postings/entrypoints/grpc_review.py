"""Company and review RPCs of the PostingsService servicer (a mixin of `grpc.PostingsServicer`)."""

# ruff: noqa: N802  (method names are the gRPC service's)

from __future__ import annotations

from typing import Any

from postings.adapters import company_wire, wire
from postings.domain.company import Verification
from postings.domain.validation import check_reason
from postings.entrypoints.identity import caller_cause
from postings.handlers import CompanyCommands, ReviewCommands
from stint.kit import wire as kit
from stint.kit.errors import InvalidArgument
from stint.postings.v1 import postings_service_pb2 as svc

MAX_ID = 100


def _id(value: str, name: str) -> str:
    if not value or len(value) > MAX_ID:
        raise InvalidArgument.of(name, f"must be 1 to {MAX_ID} characters")
    return value


class CompanyReviewRpcs:
    _companies: CompanyCommands
    _review: ReviewCommands

    async def GetCompany(
        self, request: svc.GetCompanyRequest, context: Any
    ) -> svc.GetCompanyResponse:
        cause = caller_cause()
        company = await self._companies.get(_id(request.company_id, "company_id"), cause.actor)
        return svc.GetCompanyResponse(company=company_wire.company_out(company))

    async def UpdateCompany(
        self, request: svc.UpdateCompanyRequest, context: Any
    ) -> svc.UpdateCompanyResponse:
        cause = caller_cause()
        company = await self._companies.update(
            _id(request.company_id, "company_id"),
            company_wire.profile_in(request),
            request.expected_version,
            cause,
        )
        return svc.UpdateCompanyResponse(company=company_wire.company_out(company))

    async def SetCompanyVerification(
        self, request: svc.SetCompanyVerificationRequest, context: Any
    ) -> svc.SetCompanyVerificationResponse:
        cause = caller_cause()
        decision = company_wire.decision_in(request, cause.actor.subject)
        if decision.status is Verification.UNVERIFIED:
            raise InvalidArgument.of("status", "must be VERIFICATION_STATUS_VERIFIED or _REVOKED")
        company = await self._companies.decide(
            _id(request.company_id, "company_id"), decision, request.expected_version, cause
        )
        return svc.SetCompanyVerificationResponse(company=company_wire.company_out(company))

    async def ListCompanies(
        self, request: svc.ListCompaniesRequest, context: Any
    ) -> svc.ListCompaniesResponse:
        cause = caller_cause()
        status = company_wire.status_in(request.verification)
        if request.verification and status is None:
            raise InvalidArgument.of("verification", "unknown value")
        page = await self._companies.list_companies(
            status, request.page.page_size, request.page.page_token, cause.actor
        )
        return svc.ListCompaniesResponse(
            companies=[company_wire.company_out(c) for c in page.items],
            page=kit.page_response(page),
        )

    async def ListReviewQueue(
        self, request: svc.ListReviewQueueRequest, context: Any
    ) -> svc.ListReviewQueueResponse:
        cause = caller_cause()
        page = await self._review.queue(request.page.page_size, request.page.page_token, cause)
        return svc.ListReviewQueueResponse(
            postings=[wire.posting_out(p) for p in page.items], page=kit.page_response(page)
        )

    async def ApprovePostingReview(
        self, request: svc.ApprovePostingReviewRequest, context: Any
    ) -> svc.ApprovePostingReviewResponse:
        cause = caller_cause()
        posting = await self._review.approve(
            _id(request.posting_id, "posting_id"), request.expected_version, cause
        )
        return svc.ApprovePostingReviewResponse(posting=wire.posting_out(posting))

    async def DeclinePostingReview(
        self, request: svc.DeclinePostingReviewRequest, context: Any
    ) -> svc.DeclinePostingReviewResponse:
        cause = caller_cause()
        check_reason(request.reason, required=True)
        posting = await self._review.decline(
            _id(request.posting_id, "posting_id"), request.reason, request.expected_version, cause
        )
        return svc.DeclinePostingReviewResponse(posting=wire.posting_out(posting))

    async def FlagPosting(
        self, request: svc.FlagPostingRequest, context: Any
    ) -> svc.FlagPostingResponse:
        cause = caller_cause()
        check_reason(request.reason, required=True)
        posting = await self._review.flag(
            _id(request.posting_id, "posting_id"), request.reason, cause
        )
        return svc.FlagPostingResponse(posting_id=posting.id)

    async def TakeDownPosting(
        self, request: svc.TakeDownPostingRequest, context: Any
    ) -> svc.TakeDownPostingResponse:
        cause = caller_cause()
        check_reason(request.reason, required=True)
        posting = await self._review.take_down(
            _id(request.posting_id, "posting_id"), request.reason, request.expected_version, cause
        )
        return svc.TakeDownPostingResponse(posting=wire.posting_out(posting))
