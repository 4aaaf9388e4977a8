"""The gRPC servicer: caller from the metadata, request → handler → response."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from outcomes.adapters.report_wire import outcomes_message
from outcomes.handlers import Handlers
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, optional_time
from stint.outcomes.v1 import outcomes_service_pb2 as api
from stint.outcomes.v1.outcomes_service_pb2_grpc import OutcomesServiceServicer

SERVICE_NAME = "stint.outcomes.v1.OutcomesService"
Range = api.GetUniversityOutcomesRequest | api.ExportUniversityOutcomesRequest


def _range(request: Range) -> tuple[datetime | None, datetime | None]:
    return optional_time(request, "from_time"), optional_time(request, "to_time")


class OutcomesServicer(OutcomesServiceServicer):
    """Errors are raised as `stint.kit.errors` and mapped to status codes by the interceptor."""

    def __init__(self, handlers: Handlers) -> None:
        self._reports = handlers.reports

    async def GetUniversityOutcomes(  # noqa: N802 (gRPC method names)
        self, request: api.GetUniversityOutcomesRequest, context: Any
    ) -> api.GetUniversityOutcomesResponse:
        start, end = _range(request)
        actor = actor_of(current_caller())
        report = await self._reports.outcomes(request.university_id, start, end, actor)
        return api.GetUniversityOutcomesResponse(outcomes=outcomes_message(report))

    async def ExportUniversityOutcomes(  # noqa: N802 (gRPC method names)
        self, request: api.ExportUniversityOutcomesRequest, context: Any
    ) -> api.ExportUniversityOutcomesResponse:
        start, end = _range(request)
        actor = actor_of(current_caller())
        text, filename = await self._reports.outcomes_csv(request.university_id, start, end, actor)
        return api.ExportUniversityOutcomesResponse(csv=text.encode(), filename=filename)
