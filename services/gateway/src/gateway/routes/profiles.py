"""Student profiles (what employers see of an applicant) and repeat-hire invitations."""

from __future__ import annotations

from gateway.routes.applications import APPLICATIONS
from gateway.routes.common import ANYONE, EMPLOYER, PAGING, STUDENT
from gateway.routing import Answer, Body

PROFILES = "profiles"
INVITATIONS = "invitations"

ROUTES = [
    APPLICATIONS.route(
        "GET",
        "/v1/me/profile",
        "GetMyProfile",
        "The calling student's profile",
        STUDENT,
        tag=PROFILES,
        answer=Answer(field="profile"),
    ),
    APPLICATIONS.route(
        "PUT",
        "/v1/me/profile",
        "PutMyProfile",
        "Create or replace the calling student's profile (the school's university and its "
        "verification come from the caller's organisation, never from the body)",
        STUDENT,
        tag=PROFILES,
        body=Body(),
        answer=Answer(field="profile"),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/students/{student_id}",
        "GetStudentProfile",
        "A student's profile: the student, an employer the student applied to (the name and "
        "the fields the student shares), the student's university, admins",
        ANYONE,
        tag=PROFILES,
        answer=Answer(field="profile"),
    ),
    APPLICATIONS.route(
        "POST",
        "/v1/postings/{posting_id}/invitations",
        "InviteStudent",
        "Invite a student who applied to or was hired by the company before to apply to this "
        "open posting (one invitation per posting and student)",
        EMPLOYER,
        tag=INVITATIONS,
        body=Body(),
        answer=Answer(status=201, field="invitation"),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/postings/{posting_id}/invitations",
        "ListInvitations",
        "Invitations to a posting, newest first",
        EMPLOYER,
        tag=INVITATIONS,
        query=PAGING,
        answer=Answer(list_field="invitations"),
    ),
    APPLICATIONS.route(
        "GET",
        "/v1/me/invitations",
        "ListInvitations",
        "The calling student's invitations, newest first",
        STUDENT,
        tag=INVITATIONS,
        query=PAGING,
        answer=Answer(list_field="invitations"),
    ),
]
