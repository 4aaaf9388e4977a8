"""The gRPC servicer: the kit's verified caller as the domain's Actor / Cause, wire → use case
→ wire."""

# ruff: noqa: N802  (method names are the RPC names grpcio-tools generates)

from __future__ import annotations

from typing import Any

from stint.kit.actor import Actor, Cause
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, cause_of, page_response
from stint.submissions.v1 import submissions_service_pb2 as api
from stint.submissions.v1 import submissions_service_pb2_grpc as api_grpc
from submissions.adapters import dispute_wire, wire
from submissions.domain import commands as cmd
from submissions.entrypoints.grpc_offers import OfferRpcs
from submissions.entrypoints.grpc_schedule import ScheduleRpcs
from submissions.handlers import Handlers


def _actor() -> Actor:
    return actor_of(current_caller())


def _cause() -> Cause:
    return cause_of(current_caller())


class SubmissionsServicer(OfferRpcs, ScheduleRpcs, api_grpc.SubmissionsServiceServicer):
    def __init__(self, handlers: Handlers) -> None:
        self._h = handlers
        self._offers = handlers.offers  # the offer RPCs (grpc_offers.py)
        self._schedule = handlers.schedule  # extensions and milestones (grpc_schedule.py)

    async def GetEngagement(
        self, request: api.GetEngagementRequest, context: Any
    ) -> api.GetEngagementResponse:
        e = await self._h.views.get(request.engagement_id, _actor())
        return api.GetEngagementResponse(engagement=wire.engagement(e))

    async def ListEngagements(
        self, request: api.ListEngagementsRequest, context: Any
    ) -> api.ListEngagementsResponse:
        page = await self._h.views.list(wire.list_query(request), _actor())
        return api.ListEngagementsResponse(
            engagements=[wire.engagement(e) for e in page.items], page=page_response(page)
        )

    async def SubmitWork(
        self, request: api.SubmitWorkRequest, context: Any
    ) -> api.SubmitWorkResponse:
        e, number = await self._h.engagements.submit_work(wire.submit_work(request), _cause())
        return api.SubmitWorkResponse(engagement=wire.engagement(e), submission_number=number)

    async def RequestRevision(
        self, request: api.RequestRevisionRequest, context: Any
    ) -> api.RequestRevisionResponse:
        e = await self._h.reviews.request_revision(wire.review_work(request), _cause())
        return api.RequestRevisionResponse(engagement=wire.engagement(e))

    async def ApproveSubmission(
        self, request: api.ApproveSubmissionRequest, context: Any
    ) -> api.ApproveSubmissionResponse:
        e = await self._h.reviews.approve(wire.review_work(request), _cause())
        return api.ApproveSubmissionResponse(engagement=wire.engagement(e))

    async def CancelEngagement(
        self, request: api.CancelEngagementRequest, context: Any
    ) -> api.CancelEngagementResponse:
        c = cmd.Cancel(request.engagement_id, request.reason)
        e = await self._h.engagements.cancel(c, _cause())
        return api.CancelEngagementResponse(engagement=wire.engagement(e))

    async def WithdrawFromEngagement(
        self, request: api.WithdrawFromEngagementRequest, context: Any
    ) -> api.WithdrawFromEngagementResponse:
        c = cmd.Cancel(request.engagement_id, request.reason)
        e = await self._h.engagements.withdraw(c, _cause())
        return api.WithdrawFromEngagementResponse(engagement=wire.engagement(e))

    async def GiveFeedback(
        self, request: api.GiveFeedbackRequest, context: Any
    ) -> api.GiveFeedbackResponse:
        e, given = await self._h.feedback.give(wire.give_feedback(request), _cause())
        return api.GiveFeedbackResponse(
            engagement=wire.engagement(e), feedback=wire.feedback(given)
        )

    async def GetExperienceRecord(
        self, request: api.GetExperienceRecordRequest, context: Any
    ) -> api.GetExperienceRecordResponse:
        issued = await self._h.records.issue(request.engagement_id, _cause())
        return api.GetExperienceRecordResponse(
            jws=issued.jws,
            record=wire.record(issued.claims),
            resume_line=issued.resume_line,
            key_id=issued.key_id,
        )

    async def VerifyExperienceRecord(
        self, request: api.VerifyExperienceRecordRequest, context: Any
    ) -> api.VerifyExperienceRecordResponse:
        result = self._h.records.verify(request.jws)
        if not result.valid or result.claims is None:
            return api.VerifyExperienceRecordResponse(reason=result.reason, key_id=result.kid)
        try:
            decoded = wire.record(result.claims)
        except (KeyError, ValueError, TypeError):
            # Signed by us, yet not a record: a key used for something else. Never "valid".
            return api.VerifyExperienceRecordResponse(reason="invalid_payload", key_id=result.kid)
        return api.VerifyExperienceRecordResponse(
            valid=True, reason="ok", record=decoded, key_id=result.kid
        )

    async def GetJwks(self, request: api.GetJwksRequest, context: Any) -> api.GetJwksResponse:
        return wire.jwks(self._h.records.jwks())

    async def OpenDispute(
        self, request: api.OpenDisputeRequest, context: Any
    ) -> api.OpenDisputeResponse:
        d, e = await self._h.disputes.open(dispute_wire.open_dispute(request), _cause())
        return api.OpenDisputeResponse(
            dispute=dispute_wire.dispute(d), engagement=wire.engagement(e)
        )

    async def AnswerDispute(
        self, request: api.AnswerDisputeRequest, context: Any
    ) -> api.AnswerDisputeResponse:
        d = await self._h.disputes.answer(dispute_wire.answer_dispute(request), _cause())
        return api.AnswerDisputeResponse(dispute=dispute_wire.dispute(d))

    async def ResolveDispute(
        self, request: api.ResolveDisputeRequest, context: Any
    ) -> api.ResolveDisputeResponse:
        d, e = await self._h.disputes.resolve(dispute_wire.resolve_dispute(request), _cause())
        return api.ResolveDisputeResponse(
            dispute=dispute_wire.dispute(d), engagement=wire.engagement(e)
        )

    async def GetDispute(
        self, request: api.GetDisputeRequest, context: Any
    ) -> api.GetDisputeResponse:
        views = self._h.dispute_views
        d = await views.get(request.dispute_id, request.engagement_id, _actor())
        return api.GetDisputeResponse(dispute=dispute_wire.dispute(d))

    async def ListDisputes(
        self, request: api.ListDisputesRequest, context: Any
    ) -> api.ListDisputesResponse:
        page = await self._h.dispute_views.list(dispute_wire.dispute_query(request), _actor())
        return api.ListDisputesResponse(
            disputes=[dispute_wire.dispute(d) for d in page.items], page=page_response(page)
        )
