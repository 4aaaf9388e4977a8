"""The PostingsService servicer: caller from metadata, request -> handler -> response."""

# ruff: noqa: N802  (method names are the gRPC service's)

from __future__ import annotations

from typing import Any

from postings.adapters import wire
from postings.domain.access import Actor
from postings.domain.commands import Context, CreatePosting, UpdatePosting
from postings.domain.model import Decision
from postings.domain.validation import check_reason
from postings.handlers import Handlers
from stint.common.v1.pagination_pb2 import PageResponse
from stint.kit.errors import InvalidArgument, Unauthenticated
from stint.kit.grpc import current_caller
from stint.postings.v1 import postings_service_pb2 as svc
from stint.postings.v1.postings_service_pb2_grpc import PostingsServiceServicer

SERVICE_NAME = "stint.postings.v1.PostingsService"
MAX_ID = 100


def _context() -> Context:
    """The caller as an actor; every RPC needs an identity set by the gateway."""
    caller = current_caller()
    if caller.is_anonymous or not caller.role:
        raise Unauthenticated("a signed-in caller (subject and role) is required")
    return Context(Actor(caller.subject, caller.role, caller.org), caller.request_id)


def _posting_id(value: str) -> str:
    if not value or len(value) > MAX_ID:
        raise InvalidArgument.of("posting_id", "is required")
    return value


class PostingsServicer(PostingsServiceServicer):
    def __init__(self, handlers: Handlers) -> None:
        self._h = handlers

    async def CreatePosting(
        self, request: svc.CreatePostingRequest, context: Any
    ) -> svc.CreatePostingResponse:
        ctx = _context()
        cmd = CreatePosting(request.company_id, wire.terms_in(request.posting))
        posting = await self._h.create(cmd, ctx)
        return svc.CreatePostingResponse(posting=wire.posting_out(posting))

    async def UpdatePosting(
        self, request: svc.UpdatePostingRequest, context: Any
    ) -> svc.UpdatePostingResponse:
        ctx = _context()
        cmd = UpdatePosting(
            _posting_id(request.posting_id),
            wire.terms_in(request.posting),
            tuple(request.update_mask.paths),
            request.expected_version,
        )
        posting = await self._h.update(cmd, ctx)
        return svc.UpdatePostingResponse(posting=wire.posting_out(posting))

    async def PublishPosting(
        self, request: svc.PublishPostingRequest, context: Any
    ) -> svc.PublishPostingResponse:
        ctx = _context()
        posting_id = _posting_id(request.posting_id)
        posting = await self._h.publish(posting_id, request.expected_version, ctx)
        return svc.PublishPostingResponse(posting=wire.posting_out(posting))

    async def ClosePosting(
        self, request: svc.ClosePostingRequest, context: Any
    ) -> svc.ClosePostingResponse:
        ctx = _context()
        posting_id = _posting_id(request.posting_id)
        posting = await self._h.close(posting_id, request.expected_version, ctx)
        return svc.ClosePostingResponse(posting=wire.posting_out(posting))

    async def CancelPosting(
        self, request: svc.CancelPostingRequest, context: Any
    ) -> svc.CancelPostingResponse:
        ctx = _context()
        posting_id = _posting_id(request.posting_id)
        check_reason(request.reason, required=False)
        posting = await self._h.cancel(posting_id, request.reason, request.expected_version, ctx)
        return svc.CancelPostingResponse(posting=wire.posting_out(posting))

    async def ApprovePostingForUniversity(
        self, request: svc.ApprovePostingForUniversityRequest, context: Any
    ) -> svc.ApprovePostingForUniversityResponse:
        ctx = _context()
        posting = await self._h.decide(
            _posting_id(request.posting_id), request.university_id, Decision.APPROVED, "", ctx
        )
        return svc.ApprovePostingForUniversityResponse(posting=wire.posting_out(posting))

    async def DeclinePostingForUniversity(
        self, request: svc.DeclinePostingForUniversityRequest, context: Any
    ) -> svc.DeclinePostingForUniversityResponse:
        ctx = _context()
        posting_id = _posting_id(request.posting_id)
        check_reason(request.reason, required=True)
        posting = await self._h.decide(
            posting_id, request.university_id, Decision.DECLINED, request.reason, ctx
        )
        return svc.DeclinePostingForUniversityResponse(posting=wire.posting_out(posting))

    async def GetPosting(
        self, request: svc.GetPostingRequest, context: Any
    ) -> svc.GetPostingResponse:
        ctx = _context()
        posting = await self._h.get(_posting_id(request.posting_id), ctx.actor)
        return svc.GetPostingResponse(posting=wire.posting_out(posting))

    async def ListPostings(
        self, request: svc.ListPostingsRequest, context: Any
    ) -> svc.ListPostingsResponse:
        ctx = _context()
        postings, token = await self._h.list_postings(wire.list_query_in(request), ctx.actor)
        return svc.ListPostingsResponse(
            postings=[wire.posting_out(p) for p in postings],
            page=PageResponse(next_page_token=token),
        )
