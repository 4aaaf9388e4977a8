"""The PostingsService servicer: the caller from metadata, request -> handler -> response."""

# ruff: noqa: N802  (method names are the gRPC service's)

from __future__ import annotations

from typing import Any

from postings.adapters import wire
from postings.domain.commands import CreatePosting, UpdatePosting
from postings.domain.validation import check_reason
from postings.domain.values import Decision
from postings.entrypoints.grpc_review import CompanyReviewRpcs
from postings.entrypoints.grpc_saved_searches import SavedSearchRpcs
from postings.entrypoints.identity import caller_cause as _cause
from postings.handlers import Handlers
from postings.handlers.saved_searches import SavedSearchCommands
from stint.kit import wire as kit
from stint.kit.errors import InvalidArgument
from stint.postings.v1 import postings_service_pb2 as svc
from stint.postings.v1.postings_service_pb2_grpc import PostingsServiceServicer

SERVICE_NAME = "stint.postings.v1.PostingsService"
MAX_ID = 100


def _posting_id(value: str) -> str:
    if not value or len(value) > MAX_ID:
        raise InvalidArgument.of("posting_id", "is required")
    return value


class PostingsServicer(CompanyReviewRpcs, SavedSearchRpcs, PostingsServiceServicer):
    def __init__(self, handlers: Handlers, saved_searches: SavedSearchCommands) -> None:
        self._commands = handlers.commands
        self._views = handlers.views
        self._companies = handlers.companies  # company and review RPCs: `grpc_review.py`
        self._review = handlers.review
        self._saved_searches = saved_searches  # saved-search RPCs: `grpc_saved_searches.py`

    async def CreatePosting(
        self, request: svc.CreatePostingRequest, context: Any
    ) -> svc.CreatePostingResponse:
        cause = _cause()
        cmd = CreatePosting(request.company_id, wire.terms_in(request.posting))
        posting = await self._commands.create(cmd, cause)
        return svc.CreatePostingResponse(posting=wire.posting_out(posting))

    async def UpdatePosting(
        self, request: svc.UpdatePostingRequest, context: Any
    ) -> svc.UpdatePostingResponse:
        cause = _cause()
        cmd = UpdatePosting(
            _posting_id(request.posting_id),
            wire.terms_in(request.posting),
            tuple(request.update_mask.paths),
            request.expected_version,
        )
        posting = await self._commands.update(cmd, cause)
        return svc.UpdatePostingResponse(posting=wire.posting_out(posting))

    async def PublishPosting(
        self, request: svc.PublishPostingRequest, context: Any
    ) -> svc.PublishPostingResponse:
        cause = _cause()
        posting_id = _posting_id(request.posting_id)
        posting = await self._commands.publish(posting_id, request.expected_version, cause)
        return svc.PublishPostingResponse(posting=wire.posting_out(posting))

    async def ClosePosting(
        self, request: svc.ClosePostingRequest, context: Any
    ) -> svc.ClosePostingResponse:
        cause = _cause()
        posting_id = _posting_id(request.posting_id)
        posting = await self._commands.close(posting_id, request.expected_version, cause)
        return svc.ClosePostingResponse(posting=wire.posting_out(posting))

    async def CancelPosting(
        self, request: svc.CancelPostingRequest, context: Any
    ) -> svc.CancelPostingResponse:
        cause = _cause()
        posting_id = _posting_id(request.posting_id)
        check_reason(request.reason, required=False)
        posting = await self._commands.cancel(
            posting_id, request.reason, request.expected_version, cause
        )
        return svc.CancelPostingResponse(posting=wire.posting_out(posting))

    async def ApprovePostingForUniversity(
        self, request: svc.ApprovePostingForUniversityRequest, context: Any
    ) -> svc.ApprovePostingForUniversityResponse:
        cause = _cause()
        posting = await self._commands.decide(
            _posting_id(request.posting_id), request.university_id, Decision.APPROVED, "", cause
        )
        return svc.ApprovePostingForUniversityResponse(posting=wire.posting_out(posting))

    async def DeclinePostingForUniversity(
        self, request: svc.DeclinePostingForUniversityRequest, context: Any
    ) -> svc.DeclinePostingForUniversityResponse:
        cause = _cause()
        posting_id = _posting_id(request.posting_id)
        check_reason(request.reason, required=True)
        posting = await self._commands.decide(
            posting_id, request.university_id, Decision.DECLINED, request.reason, cause
        )
        return svc.DeclinePostingForUniversityResponse(posting=wire.posting_out(posting))

    async def GetPosting(
        self, request: svc.GetPostingRequest, context: Any
    ) -> svc.GetPostingResponse:
        cause = _cause()
        posting = await self._views.get(_posting_id(request.posting_id), cause.actor)
        return svc.GetPostingResponse(posting=wire.posting_out(posting))

    async def ListPostings(
        self, request: svc.ListPostingsRequest, context: Any
    ) -> svc.ListPostingsResponse:
        cause = _cause()
        page = await self._views.list_postings(wire.list_query_in(request), cause.actor)
        return svc.ListPostingsResponse(
            postings=[wire.posting_out(p) for p in page.items], page=kit.page_response(page)
        )
