"""The gRPC servicer: caller from the metadata, request → handler → response."""

from __future__ import annotations

from typing import Any

from applications.adapters import wire
from applications.entrypoints.grpc_conversations import ConversationRpcs
from applications.entrypoints.grpc_profiles import ProfileRpcs
from applications.entrypoints.grpc_recommendations import RecommendationRpcs
from applications.handlers import Handlers
from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1.applications_service_pb2_grpc import ApplicationsServiceServicer
from stint.kit.actor import Actor, Cause
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, cause_of, page_response

SERVICE_NAME = "stint.applications.v1.ApplicationsService"


def _cause() -> Cause:
    return cause_of(current_caller())


def _actor() -> Actor:
    return actor_of(current_caller())


class ApplicationsServicer(
    ProfileRpcs, ConversationRpcs, RecommendationRpcs, ApplicationsServiceServicer
):
    """Errors are raised as `stint.kit.errors` and mapped to status codes by the interceptor."""

    def __init__(self, handlers: Handlers) -> None:
        self._handlers = handlers
        self._apps = handlers.applications
        self._hiring = handlers.hiring

    async def SubmitApplication(  # noqa: N802 (gRPC method names)
        self, request: api.SubmitApplicationRequest, context: Any
    ) -> api.SubmitApplicationResponse:
        app = await self._apps.submit(wire.submit_command(request), _cause())
        return api.SubmitApplicationResponse(application=wire.application_message(app))

    async def WithdrawApplication(  # noqa: N802 (gRPC method names)
        self, request: api.WithdrawApplicationRequest, context: Any
    ) -> api.WithdrawApplicationResponse:
        app = await self._apps.withdraw(request.application_id, _cause())
        return api.WithdrawApplicationResponse(application=wire.application_message(app))

    async def ShortlistApplication(  # noqa: N802 (gRPC method names)
        self, request: api.ShortlistApplicationRequest, context: Any
    ) -> api.ShortlistApplicationResponse:
        app = await self._apps.shortlist(request.application_id, _cause())
        return api.ShortlistApplicationResponse(application=wire.application_message(app))

    async def RejectApplication(  # noqa: N802 (gRPC method names)
        self, request: api.RejectApplicationRequest, context: Any
    ) -> api.RejectApplicationResponse:
        app = await self._apps.reject(request.application_id, request.reason, _cause())
        return api.RejectApplicationResponse(application=wire.application_message(app))

    async def HireCandidate(  # noqa: N802 (gRPC method names)
        self, request: api.HireCandidateRequest, context: Any
    ) -> api.HireCandidateResponse:
        app, posting = await self._hiring.hire(request.application_id, _cause())
        return api.HireCandidateResponse(
            application=wire.application_message(app), terms=wire.engagement_terms(posting)
        )

    async def GetApplication(  # noqa: N802 (gRPC method names)
        self, request: api.GetApplicationRequest, context: Any
    ) -> api.GetApplicationResponse:
        app = await self._apps.get(request.application_id, _actor())
        return api.GetApplicationResponse(application=wire.application_message(app))

    async def ListApplications(  # noqa: N802 (gRPC method names)
        self, request: api.ListApplicationsRequest, context: Any
    ) -> api.ListApplicationsResponse:
        page = await self._apps.list(wire.list_filter(request), _actor())
        return api.ListApplicationsResponse(
            applications=[wire.application_message(a) for a in page.items],
            page=page_response(page),
        )
