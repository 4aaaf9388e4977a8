"""The servicer's profile and invitation RPCs (a mixin of ApplicationsServicer)."""

from __future__ import annotations

from typing import Any

from applications.adapters import profile_wire
from applications.handlers import Handlers
from stint.applications.v1 import applications_service_pb2 as api
from stint.kit.grpc import current_caller
from stint.kit.wire import actor_of, cause_of, page_response


class ProfileRpcs:
    """GetMyProfile, PutMyProfile, GetStudentProfile, InviteStudent, ListInvitations."""

    _handlers: Handlers

    async def GetMyProfile(  # noqa: N802 (gRPC method names)
        self, request: api.GetMyProfileRequest, context: Any
    ) -> api.GetMyProfileResponse:
        profile = await self._handlers.profiles.mine(actor_of(current_caller()))
        return api.GetMyProfileResponse(profile=profile_wire.profile_message(profile))

    async def PutMyProfile(  # noqa: N802 (gRPC method names)
        self, request: api.PutMyProfileRequest, context: Any
    ) -> api.PutMyProfileResponse:
        cmd = profile_wire.profile_input(request)
        profile = await self._handlers.profiles.put(cmd, actor_of(current_caller()))
        return api.PutMyProfileResponse(profile=profile_wire.profile_message(profile))

    async def GetStudentProfile(  # noqa: N802 (gRPC method names)
        self, request: api.GetStudentProfileRequest, context: Any
    ) -> api.GetStudentProfileResponse:
        actor = actor_of(current_caller())
        profile = await self._handlers.profiles.of_student(request.student_id, actor)
        return api.GetStudentProfileResponse(profile=profile_wire.profile_message(profile))

    async def InviteStudent(  # noqa: N802 (gRPC method names)
        self, request: api.InviteStudentRequest, context: Any
    ) -> api.InviteStudentResponse:
        cmd = profile_wire.invite_command(request)
        inv = await self._handlers.invitations.invite(cmd, cause_of(current_caller()))
        return api.InviteStudentResponse(invitation=profile_wire.invitation_message(inv))

    async def ListInvitations(  # noqa: N802 (gRPC method names)
        self, request: api.ListInvitationsRequest, context: Any
    ) -> api.ListInvitationsResponse:
        page = await self._handlers.invitations.list(
            request.posting_id,
            request.student_id,
            profile_wire.invitation_page(request),
            actor_of(current_caller()),
        )
        return api.ListInvitationsResponse(
            invitations=[profile_wire.invitation_message(i) for i in page.items],
            page=page_response(page),
        )
