"""The servicer's recommendation RPC (a mixin of ApplicationsServicer)."""

from __future__ import annotations

from typing import Any

from applications.adapters.recommendation_wire import recommendation_message
from applications.handlers import Handlers
from stint.applications.v1 import applications_service_pb2 as api
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of


class RecommendationRpcs:
    """ListRecommendations."""

    _handlers: Handlers

    async def ListRecommendations(  # noqa: N802 (gRPC method names)
        self, request: api.ListRecommendationsRequest, context: Any
    ) -> api.ListRecommendationsResponse:
        found = await self._handlers.recommendations.for_student(
            actor_of(current_caller()), request.limit
        )
        return api.ListRecommendationsResponse(
            recommendations=[recommendation_message(r) for r in found]
        )
