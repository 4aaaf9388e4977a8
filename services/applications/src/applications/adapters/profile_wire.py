"""Protobuf for profiles and invitations (the rest of the wire is wire.py)."""

from __future__ import annotations

from applications.domain.invitation import Invitation, InviteStudent, StudentInvited
from applications.domain.profile import CareerStage, ProfileField, ProfileInput, StudentProfile
from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import events_pb2, invitation_pb2, profile_pb2
from stint.kit import wire
from stint.kit.envelope import Envelope, EventFactory
from stint.kit.errors import InvalidArgument
from stint.kit.ids import is_id
from stint.kit.paging import PageRequest

_STAGE = "CAREER_STAGE_"
_FIELD = "PROFILE_FIELD_"
_INVITATION = "INVITATION_STATUS_"


def profile_input(req: api.PutMyProfileRequest) -> ProfileInput:
    """The command of a PUT; unknown enum numbers are refused (field violations)."""
    known_stages = set(profile_pb2.CareerStage.values())
    known_fields = set(profile_pb2.ProfileField.values()) - {0}
    if req.stage not in known_stages:
        raise InvalidArgument.of("stage", "is not a career stage")
    if any(f not in known_fields for f in req.shared_with_employers):
        raise InvalidArgument.of("shared_with_employers", "names an unknown field")
    return ProfileInput(
        name=req.name,
        school_name=req.school_name,
        programme=req.programme,
        graduation_year=req.graduation_year,
        stage=CareerStage(wire.enum_name(profile_pb2.CareerStage, req.stage, _STAGE)),
        skills=tuple(req.skills),
        portfolio_links=tuple(req.portfolio_links),
        work_authorized=req.work_authorized,
        shared_with_employers=tuple(
            ProfileField(wire.enum_name(profile_pb2.ProfileField, f, _FIELD))
            for f in req.shared_with_employers
        ),
        expected_version=req.expected_version,
    )


def profile_message(p: StudentProfile) -> profile_pb2.StudentProfile:
    return profile_pb2.StudentProfile(
        student_id=p.student_id,
        name=p.name,
        school=profile_pb2.School(
            university_id=p.school.university_id, name=p.school.name, verified=p.school.verified
        ),
        programme=p.programme,
        graduation_year=p.graduation_year,
        stage=wire.enum_number(profile_pb2.CareerStage, str(p.stage), _STAGE),  # type: ignore[arg-type]
        skills=list(p.skills),
        portfolio_links=list(p.portfolio_links),
        work_authorized=p.work_authorized,
        work_authorization_attested_at=wire.timestamp(p.work_authorization_attested_at),
        shared_with_employers=[
            wire.enum_number(profile_pb2.ProfileField, str(f), _FIELD)  # type: ignore[misc]
            for f in p.shared_with_employers
        ],
        created_at=wire.timestamp(p.created_at),
        updated_at=wire.timestamp(p.updated_at),
        version=p.version,
    )


def invite_command(req: api.InviteStudentRequest) -> InviteStudent:
    return InviteStudent(req.posting_id, req.student_id, req.message)


def invitation_message(i: Invitation) -> invitation_pb2.Invitation:
    return invitation_pb2.Invitation(
        id=i.id,
        posting_id=i.posting_id,
        posting_title=i.posting_title,
        company_id=i.company_id,
        company_name=i.company_name,
        student_id=i.student_id,
        invited_by=i.invited_by,
        message=i.message,
        status=wire.enum_number(invitation_pb2.InvitationStatus, str(i.status), _INVITATION),  # type: ignore[arg-type]
        created_at=wire.timestamp(i.created_at),
        version=i.version,
    )


def invitation_page(req: api.ListInvitationsRequest) -> PageRequest:
    page = wire.paging(req.page)
    if page.after and not is_id(page.after, "ivt"):
        raise InvalidArgument.of("page.page_token", "is not a token from this list")
    return page


def envelope(events: EventFactory, event: StudentInvited) -> Envelope:
    """StudentInvited; subject and key: the invitation id."""
    message = events_pb2.StudentInvited(
        context=wire.event_context(event.cause), invitation=invitation_message(event.invitation)
    )
    return events(message, subject=event.invitation.id)
