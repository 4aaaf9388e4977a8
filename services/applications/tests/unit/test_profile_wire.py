"""Profiles and invitations on the wire: enums by name, unknown numbers refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from applications.adapters import profile_wire
from applications.domain.profile import CareerStage, ProfileField, School, StudentProfile
from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1.profile_pb2 import CareerStage as PbStage
from stint.applications.v1.profile_pb2 import ProfileField as PbField
from stint.kit.errors import InvalidArgument

T = datetime(2026, 3, 1, tzinfo=UTC)


def test_a_put_request_becomes_the_command() -> None:
    req = api.PutMyProfileRequest(
        name="Ada",
        stage=PbStage.CAREER_STAGE_CAREER_CHANGER,
        shared_with_employers=[PbField.PROFILE_FIELD_SKILLS, PbField.PROFILE_FIELD_SCHOOL],
        expected_version=3,
    )
    cmd = profile_wire.profile_input(req)
    assert cmd.stage is CareerStage.CAREER_CHANGER
    assert cmd.shared_with_employers == (ProfileField.SKILLS, ProfileField.SCHOOL)
    assert cmd.expected_version == 3


@pytest.mark.parametrize(
    ("req", "field"),
    [
        (api.PutMyProfileRequest(name="A", stage=99), "stage"),  # type: ignore[arg-type]
        (api.PutMyProfileRequest(name="A", shared_with_employers=[0]), "shared_with_employers"),  # type: ignore[list-item]
        (api.PutMyProfileRequest(name="A", shared_with_employers=[42]), "shared_with_employers"),  # type: ignore[list-item]
    ],
)
def test_unknown_enum_numbers_are_refused(req: api.PutMyProfileRequest, field: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        profile_wire.profile_input(req)
    assert [v.field for v in refused.value.violations] == [field]


def test_a_profile_message_names_every_field() -> None:
    profile = StudentProfile(
        student_id="usr_1",
        name="Ada",
        school=School("Uni A", "uni_a", verified=True),
        programme="Maths",
        graduation_year=2027,
        stage=CareerStage.RECENT_GRADUATE,
        skills=("python",),
        portfolio_links=("https://ada.example.org",),
        work_authorized=True,
        work_authorization_attested_at=T,
        shared_with_employers=(ProfileField.WORK_AUTHORIZATION,),
        created_at=T,
        updated_at=T,
        version=2,
    )
    msg = profile_wire.profile_message(profile)
    assert (msg.school.university_id, msg.school.verified) == ("uni_a", True)
    assert msg.stage == PbStage.CAREER_STAGE_RECENT_GRADUATE
    assert list(msg.shared_with_employers) == [PbField.PROFILE_FIELD_WORK_AUTHORIZATION]
    assert msg.work_authorization_attested_at.ToDatetime(UTC) == T
    assert msg.version == 2
