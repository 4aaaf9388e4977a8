"""Who may see and change a posting, per role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import pytest

from postings.domain import access
from postings.domain.access import ScopeKind
from postings.domain.errors import NotAllowed, PostingNotFound, UniversityNotTargeted
from postings.domain.model import Posting
from postings.domain.values import Decision, Status, Visibility
from stint.kit.actor import Actor
from stint.kit.errors import InvalidArgument

MakePosting = Callable[..., Posting]


def aimed(make_posting: MakePosting, status: Status = Status.OPEN) -> Posting:
    return make_posting(
        status, visibility=Visibility.UNIVERSITIES, university_ids=("uni_mit", "uni_x")
    )


def approve(posting: Posting, university: str, now: datetime) -> Posting:
    approved, _ = posting.decide(university, Decision.APPROVED, "", now)
    return approved


def test_drafts_are_seen_only_by_their_company_and_admins(
    make_posting: MakePosting, actors: dict[str, Actor]
) -> None:
    draft = make_posting(Status.DRAFT)
    seen = {name for name, actor in actors.items() if access.can_see(actor, draft)}
    assert seen == {"employer", "admin"}


def test_public_published_postings_are_seen_by_every_student(
    make_posting: MakePosting, actors: dict[str, Actor]
) -> None:
    for status in (Status.OPEN, Status.FILLED, Status.CLOSED, Status.COMPLETED):
        posting = make_posting(status)
        seen = {name for name, actor in actors.items() if access.can_see(actor, posting)}
        assert seen == {"employer", "admin", "student", "student_elsewhere", "student_no_uni"}


def test_aimed_postings_need_the_students_university_approval(
    make_posting: MakePosting, actors: dict[str, Actor], now: datetime
) -> None:
    posting = aimed(make_posting)
    seen = {name for name, actor in actors.items() if access.can_see(actor, posting)}
    assert seen == {"employer", "admin", "university"}
    approved = approve(posting, "uni_mit", now)
    seen = {name for name, actor in actors.items() if access.can_see(actor, approved)}
    assert seen == {"employer", "admin", "university", "student"}


def test_a_cancelled_draft_stays_private(
    make_posting: MakePosting, actors: dict[str, Actor], now: datetime
) -> None:
    cancelled, _ = make_posting(Status.DRAFT).cancel("", now)
    assert not access.can_see(actors["student"], cancelled)
    assert access.can_see(actors["employer"], cancelled)


def test_scopes(actors: dict[str, Actor]) -> None:
    assert access.scope_for(actors["admin"]).kind is ScopeKind.ALL
    assert access.scope_for(actors["employer"]) == access.Scope(ScopeKind.COMPANY, "cmp_acme")
    assert access.scope_for(actors["student"]) == access.Scope(ScopeKind.STUDENT, "uni_mit")
    assert access.scope_for(actors["university"]).kind is ScopeKind.UNIVERSITY
    with pytest.raises(NotAllowed):
        access.scope_for(Actor("usr_x", "hacker", ""))
    with pytest.raises(NotAllowed):
        access.scope_for(Actor("usr_x", "employer", ""))


def test_only_the_company_or_an_admin_manages(
    make_posting: MakePosting, actors: dict[str, Actor]
) -> None:
    posting = make_posting(Status.OPEN)
    assert access.require_manager(actors["employer"], posting, "pst_1") is posting
    assert access.require_manager(actors["admin"], posting, "pst_1") is posting
    with pytest.raises(NotAllowed):
        access.require_manager(actors["student"], posting, "pst_1")
    draft = make_posting(Status.DRAFT)
    with pytest.raises(PostingNotFound):
        access.require_manager(actors["other_employer"], draft, "pst_1")
    with pytest.raises(PostingNotFound):
        access.require_manager(actors["student"], draft, "pst_1")
    with pytest.raises(PostingNotFound):
        access.require_manager(actors["employer"], None, "pst_1")


def test_company_for_a_new_posting(actors: dict[str, Actor]) -> None:
    assert access.company_for_new_posting(actors["employer"], "") == "cmp_acme"
    assert access.company_for_new_posting(actors["admin"], "cmp_z") == "cmp_z"
    with pytest.raises(NotAllowed):
        access.company_for_new_posting(actors["employer"], "cmp_z")
    with pytest.raises(InvalidArgument):
        access.company_for_new_posting(actors["admin"], "")
    with pytest.raises(NotAllowed):
        access.company_for_new_posting(actors["student"], "")


def test_a_university_decides_for_itself_only(
    make_posting: MakePosting, actors: dict[str, Actor]
) -> None:
    posting = aimed(make_posting)
    uni = actors["university"]
    assert access.university_for_decision(uni, posting, "pst_1", "") == (posting, "uni_mit")
    with pytest.raises(NotAllowed):
        access.university_for_decision(uni, posting, "pst_1", "uni_x")
    with pytest.raises(PostingNotFound):
        access.university_for_decision(actors["other_university"], posting, "pst_1", "")
    with pytest.raises(PostingNotFound):  # a draft is not shown to universities yet
        access.university_for_decision(uni, aimed(make_posting, Status.DRAFT), "pst_1", "")
    assert access.university_for_decision(actors["admin"], posting, "pst_1", "uni_x")[1] == "uni_x"
    with pytest.raises(UniversityNotTargeted):
        access.university_for_decision(actors["admin"], posting, "pst_1", "uni_nope")
    with pytest.raises(NotAllowed):
        access.university_for_decision(actors["employer"], posting, "pst_1", "uni_mit")
    public = replace(make_posting(Status.OPEN))
    with pytest.raises(NotAllowed):
        access.university_for_decision(actors["student"], public, "pst_1", "")
