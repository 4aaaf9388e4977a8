"""The extension and milestone RPCs of SubmissionsService, mixed into `SubmissionsServicer`
(grpc.py)."""

# ruff: noqa: N802  (method names are the RPC names grpcio-tools generates)

from __future__ import annotations

from typing import Any

from stint.kit.grpc import current_caller
from stint.kit.wire import cause_of
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters import schedule_wire, wire
from submissions.adapters.schedule_messages import extension, milestone
from submissions.handlers import ScheduleHandlers


class ScheduleRpcs:
    _schedule: ScheduleHandlers

    async def RequestExtension(
        self, request: api.RequestExtensionRequest, context: Any
    ) -> api.RequestExtensionResponse:
        c = schedule_wire.request_extension(request)
        e, x = await self._schedule.request_extension(c, cause_of(current_caller()))
        return api.RequestExtensionResponse(engagement=wire.engagement(e), extension=extension(x))

    async def AcceptExtension(
        self, request: api.AcceptExtensionRequest, context: Any
    ) -> api.AcceptExtensionResponse:
        c = schedule_wire.accept_extension(request)
        e, x = await self._schedule.answer_extension(c, cause_of(current_caller()))
        return api.AcceptExtensionResponse(engagement=wire.engagement(e), extension=extension(x))

    async def DeclineExtension(
        self, request: api.DeclineExtensionRequest, context: Any
    ) -> api.DeclineExtensionResponse:
        c = schedule_wire.decline_extension(request)
        e, x = await self._schedule.answer_extension(c, cause_of(current_caller()))
        return api.DeclineExtensionResponse(engagement=wire.engagement(e), extension=extension(x))

    async def WithdrawExtension(
        self, request: api.WithdrawExtensionRequest, context: Any
    ) -> api.WithdrawExtensionResponse:
        c = schedule_wire.withdraw_extension(request)
        e, x = await self._schedule.withdraw_extension(c, cause_of(current_caller()))
        return api.WithdrawExtensionResponse(engagement=wire.engagement(e), extension=extension(x))

    async def CheckOffMilestone(
        self, request: api.CheckOffMilestoneRequest, context: Any
    ) -> api.CheckOffMilestoneResponse:
        c = schedule_wire.check_off(request)
        e, m = await self._schedule.check_off(c, cause_of(current_caller()))
        return api.CheckOffMilestoneResponse(engagement=wire.engagement(e), milestone=milestone(m))
