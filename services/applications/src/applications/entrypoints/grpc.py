"""The gRPC servicer: caller from the metadata, request → handler → response."""

from __future__ import annotations

from typing import Any

from applications.adapters import wire
from applications.domain.model import Actor
from applications.handlers import Handlers
from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1.applications_service_pb2_grpc import ApplicationsServiceServicer
from stint.common.v1 import pagination_pb2
from stint.kit.grpc import current_caller

SERVICE_NAME = "stint.applications.v1.ApplicationsService"


def _actor() -> Actor:
    caller = current_caller()
    return Actor(caller.subject, caller.role, caller.org, caller.request_id)


class Servicer(ApplicationsServiceServicer):
    """Errors are raised as `stint.kit.errors` and mapped to status codes by the interceptor."""

    def __init__(self, handlers: Handlers) -> None:
        self._apps = handlers.applications
        self._hiring = handlers.hiring

    async def SubmitApplication(  # noqa: N802 (gRPC method names)
        self, request: api.SubmitApplicationRequest, context: Any
    ) -> api.SubmitApplicationResponse:
        app = await self._apps.submit(wire.submit_command(request), _actor())
        return api.SubmitApplicationResponse(application=wire.application_message(app))

    async def WithdrawApplication(  # noqa: N802 (gRPC method names)
        self, request: api.WithdrawApplicationRequest, context: Any
    ) -> api.WithdrawApplicationResponse:
        app = await self._apps.withdraw(request.application_id, _actor())
        return api.WithdrawApplicationResponse(application=wire.application_message(app))

    async def ShortlistApplication(  # noqa: N802 (gRPC method names)
        self, request: api.ShortlistApplicationRequest, context: Any
    ) -> api.ShortlistApplicationResponse:
        app = await self._apps.shortlist(request.application_id, _actor())
        return api.ShortlistApplicationResponse(application=wire.application_message(app))

    async def RejectApplication(  # noqa: N802 (gRPC method names)
        self, request: api.RejectApplicationRequest, context: Any
    ) -> api.RejectApplicationResponse:
        app = await self._apps.reject(request.application_id, request.reason, _actor())
        return api.RejectApplicationResponse(application=wire.application_message(app))

    async def HireCandidate(  # noqa: N802 (gRPC method names)
        self, request: api.HireCandidateRequest, context: Any
    ) -> api.HireCandidateResponse:
        app, posting = await self._hiring.hire(request.application_id, _actor())
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
        page, last_id = await self._apps.list(wire.list_filter(request), _actor())
        token = wire.encode_page_token(last_id) if last_id else ""
        return api.ListApplicationsResponse(
            applications=[wire.application_message(a) for a in page],
            page=pagination_pb2.PageResponse(next_page_token=token),
        )
