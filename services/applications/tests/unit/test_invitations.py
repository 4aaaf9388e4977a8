"""Repeat hiring: only students who applied to or were hired by the company, only the
company's open postings they can see, once per posting and student; applying accepts the
invitation."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from applications.adapters.profiles import DuplicateInvitation
from applications.domain import errors
from applications.domain.commands import SubmitApplication
from applications.domain.invitation import InvitationStatus, InviteStudent, NotAFormerIntern
from applications.domain.posting import PostingStatus, Visibility
from stint.applications.v1 import events_pb2 as ae
from stint.kit.actor import Actor
from stint.kit.errors import InvalidArgument, PermissionDenied
from stint.kit.paging import PageRequest

from .fakes import NOW, POSTING, apply, caller, employer, student, view

NEXT = "pst_01jd3k0000000000000000000b"
ADA = "usr_ada"


async def former_intern(setup: tuple, **next_posting: object) -> None:
    """Ada was hired for POSTING; the company has a second posting, NEXT."""
    handlers, repo = setup
    app = await apply(handlers, student(ADA, "uni_a"))
    await handlers.applications.shortlist(app.id, employer())
    await handlers.hiring.hire(app.id, employer())
    nxt = view(id=NEXT, title="Pricing study", company_name="Acme Ltd", **next_posting)
    repo.postings[NEXT] = replace(nxt, version=1)


async def test_invite_a_former_intern_and_accept_by_applying(setup: tuple) -> None:
    handlers, repo = setup
    await former_intern(setup)
    inv = await handlers.invitations.invite(InviteStudent(NEXT, ADA, " Again? "), employer())
    assert (inv.status, inv.message, inv.company_name) == (
        InvitationStatus.PENDING,
        "Again?",
        "Acme Ltd",
    )
    [env] = repo.invitations.outbox
    assert (env.subject, env.key) == (inv.id, inv.id)
    event = ae.StudentInvited.FromString(env.data)
    assert (event.invitation.student_id, event.invitation.posting_title) == (ADA, "Pricing study")
    assert event.context.actor.subject == "usr_e1"
    with pytest.raises(DuplicateInvitation):
        await handlers.invitations.invite(InviteStudent(NEXT, ADA, ""), employer())
    cmd = SubmitApplication(NEXT, "Happy to", ())
    await handlers.applications.submit(cmd, student(ADA, "uni_a"))
    assert repo.invitations.rows[inv.id].status is InvitationStatus.ACCEPTED


async def test_only_students_who_applied_to_or_were_hired_by_the_company(setup: tuple) -> None:
    handlers, repo = setup
    await former_intern(setup)
    await apply(handlers, student("usr_bo", "uni_a"))  # applied, never hired: may be invited
    inv = await handlers.invitations.invite(InviteStudent(NEXT, "usr_bo", ""), employer())
    assert (inv.student_id, inv.status) == ("usr_bo", InvitationStatus.PENDING)
    with pytest.raises(NotAFormerIntern):  # never applied to the company
        await handlers.invitations.invite(InviteStudent(NEXT, "usr_cy", ""), employer())
    repo.postings[NEXT] = replace(repo.postings[NEXT], company_id="cmp_2")
    with pytest.raises(NotAFormerIntern):  # hired by cmp_1, not by cmp_2
        await handlers.invitations.invite(InviteStudent(NEXT, ADA, ""), employer("cmp_2"))


@pytest.mark.parametrize(
    "posting",
    [
        {"status": PostingStatus.CLOSED},
        {"status": PostingStatus.DRAFT},
        {"application_deadline": NOW - timedelta(hours=1)},
        {"visibility": Visibility.UNIVERSITIES, "approved_universities": frozenset({"uni_b"})},
    ],
)
async def test_the_posting_must_be_open_and_visible_to_the_student(
    setup: tuple, posting: dict
) -> None:
    handlers, _ = setup
    await former_intern(setup, **posting)
    with pytest.raises(errors.PostingNotOpen):
        await handlers.invitations.invite(InviteStudent(NEXT, ADA, ""), employer())


async def test_who_may_invite(setup: tuple) -> None:
    handlers, _ = setup
    await former_intern(setup)
    with pytest.raises(errors.PostingNotFound):  # another company's posting
        await handlers.invitations.invite(InviteStudent(NEXT, ADA, ""), employer("cmp_2"))
    for role, org in (("student", "uni_a"), ("university", "uni_a")):
        with pytest.raises(PermissionDenied):
            await handlers.invitations.invite(InviteStudent(NEXT, ADA, ""), caller("u", role, org))
    with pytest.raises(InvalidArgument):
        await handlers.invitations.invite(InviteStudent("nope", ADA, "x" * 2001), employer())
    admin = await handlers.invitations.invite(InviteStudent(NEXT, ADA, ""), caller("a", "admin"))
    assert admin.invited_by == "a"


async def test_listing_is_scoped(setup: tuple) -> None:
    handlers, repo = setup
    await former_intern(setup)
    inv = await handlers.invitations.invite(InviteStudent(NEXT, ADA, ""), employer())
    page = PageRequest(20)
    boss = employer().actor
    assert [i.id for i in (await handlers.invitations.list(NEXT, "", page, boss)).items] == [inv.id]
    with pytest.raises(errors.PostingNotFound):
        await handlers.invitations.list(NEXT, "", page, employer("cmp_2").actor)
    mine = await handlers.invitations.list("", "", page, Actor(ADA, "student", "uni_a"))
    assert [i.id for i in mine.items] == [inv.id]
    other = await handlers.invitations.list("", ADA, page, Actor("usr_x", "student"))
    assert other.items == []
    with pytest.raises(PermissionDenied):
        await handlers.invitations.list(NEXT, "", page, Actor("u", "university", "uni_a"))
    assert POSTING not in {i.posting_id for i in repo.invitations.rows.values()}


async def test_an_unknown_posting_s_list_is_not_found_for_admins_too(setup: tuple) -> None:
    handlers, _ = setup
    admin = Actor("usr_adm", "admin")
    with pytest.raises(errors.PostingNotFound):
        await handlers.invitations.list(NEXT, "", PageRequest(20), admin)
    assert (await handlers.invitations.list("", "", PageRequest(20), admin)).items == []
