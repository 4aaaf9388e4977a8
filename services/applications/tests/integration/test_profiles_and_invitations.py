"""Profiles, names on applications and invitations (of students who applied to or were hired
by the company) through the real service."""

from __future__ import annotations

import grpc
import pytest

from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import events_pb2 as ae
from stint.applications.v1.invitation_pb2 import InvitationStatus
from stint.applications.v1.profile_pb2 import ProfileField
from stint.kit.grpc import Caller
from stint.kit.ids import new_id
from stint.kit.testing.kafka import headers_of
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2 as pe

from .support import Harness, context, employer, posting, student
from .test_hiring_and_closure import published_events

SKILLS = ProfileField.PROFILE_FIELD_SKILLS


async def open_posting(harness: Harness, company_id: str, title: str) -> str:
    p = posting(company_id=company_id, title=title, company_name="Acme Ltd")
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=p), p.id)
    await harness.projected(p.id, 1)
    return p.id


async def status_of(call: object) -> grpc.StatusCode:
    try:
        await call  # type: ignore[misc]
    except grpc.aio.AioRpcError as err:
        return err.code()
    return grpc.StatusCode.OK


async def test_profile_names_hire_and_invitation(harness: Harness) -> None:
    company = new_id("cmp")
    boss = employer(company)
    ada = student("uni_a")
    put = api.PutMyProfileRequest(
        name="Ada Lovelace",
        programme="Mathematics",
        skills=["Data Visualization"],
        shared_with_employers=[SKILLS],
    )
    saved = (await harness.call("PutMyProfile", put, ada)).profile
    assert (saved.school.university_id, saved.school.verified) == ("uni_a", True)
    assert list(saved.skills) == ["data-visualization"]
    read = api.GetStudentProfileRequest(student_id=ada.subject)
    code = await status_of(harness.call("GetStudentProfile", read, boss))
    assert code is grpc.StatusCode.NOT_FOUND  # has not applied to the company yet

    first = await open_posting(harness, company, "Competitor scan")
    second = await open_posting(harness, company, "Pricing study")
    invite = api.InviteStudentRequest(posting_id=second, student_id=ada.subject, message="Again?")
    code = await status_of(harness.call("InviteStudent", invite, boss))
    assert code is grpc.StatusCode.FAILED_PRECONDITION  # never applied to this company yet
    submit = api.SubmitApplicationRequest(posting_id=first, pitch="Pick me")
    app = (await harness.call("SubmitApplication", submit, ada)).application
    assert (app.student_name, app.company_name) == ("Ada Lovelace", "Acme Ltd")
    seen = (await harness.call("GetStudentProfile", read, boss)).profile
    assert (seen.name, list(seen.skills), seen.programme) == (
        "Ada Lovelace",
        ["data-visualization"],
        "",
    )

    # Applying to one of the company's postings is enough to be invited (no hire needed).
    inv = (await harness.call("InviteStudent", invite, boss)).invitation
    assert (inv.posting_title, inv.company_name) == ("Pricing study", "Acme Ltd")
    code = await status_of(harness.call("InviteStudent", invite, boss))
    assert code is grpc.StatusCode.ALREADY_EXISTS
    other = employer(new_id("cmp"))
    code = await status_of(harness.call("InviteStudent", invite, other))
    assert code is grpc.StatusCode.NOT_FOUND

    mine = await harness.call("ListInvitations", api.ListInvitationsRequest(), ada)
    assert [i.id for i in mine.invitations] == [inv.id]
    submit_again = api.SubmitApplicationRequest(posting_id=second, pitch="Gladly")
    await harness.call("SubmitApplication", submit_again, ada)
    listed = await harness.call(
        "ListInvitations", api.ListInvitationsRequest(posting_id=second), boss
    )
    assert [i.status for i in listed.invitations] == [InvitationStatus.INVITATION_STATUS_ACCEPTED]

    records = await published_events(harness)
    invited = [
        r for r in records if headers_of(r)["ce_type"] == "stint.applications.v1.StudentInvited"
    ]
    assert [r.key.decode() for r in invited] == [inv.id]
    event = ae.StudentInvited.FromString(invited[0].value)
    assert event.invitation.student_id == ada.subject


@pytest.mark.parametrize("role", ["employer", "university", "admin"])
async def test_only_students_put_a_profile(harness: Harness, role: str) -> None:
    put = api.PutMyProfileRequest(name="Someone")
    code = await status_of(harness.call("PutMyProfile", put, Caller("usr_x", role, "org_1", "r")))
    assert code is grpc.StatusCode.PERMISSION_DENIED


async def test_bad_profiles_are_invalid_argument(harness: Harness) -> None:
    put = api.PutMyProfileRequest(name="Ada", graduation_year=1800)
    code = await status_of(harness.call("PutMyProfile", put, student()))
    assert code is grpc.StatusCode.INVALID_ARGUMENT
    mine = await status_of(harness.call("GetMyProfile", api.GetMyProfileRequest(), student()))
    assert mine is grpc.StatusCode.NOT_FOUND


async def test_a_stale_version_is_aborted(harness: Harness) -> None:
    ada = student()
    await harness.call("PutMyProfile", api.PutMyProfileRequest(name="Ada"), ada)
    stale = api.PutMyProfileRequest(name="Ada K", expected_version=7)
    assert await status_of(harness.call("PutMyProfile", stale, ada)) is grpc.StatusCode.ABORTED
    ok = api.PutMyProfileRequest(name="Ada K", expected_version=1)
    profile = (await harness.call("PutMyProfile", ok, ada)).profile
    assert (profile.name, profile.version) == ("Ada K", 2)
    stored = await eventually(
        lambda: harness.db["profiles"].find_one({"_id": ada.subject}),
        until=lambda d: d is not None,
        what="the stored profile",
    )
    assert stored["name"] == "Ada K"
