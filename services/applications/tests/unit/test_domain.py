"""The pure rules: validation, visibility, the state machine, hires and the projection."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from applications.domain import errors
from applications.domain.commands import Limits, SubmitApplication, check_reason, link_problem
from applications.domain.model import Application, Status
from applications.domain.posting import PostingStatus, Visibility
from stint.kit.errors import InvalidArgument

from .fakes import NOW, view

POSTING = "pst_01jd3k0000000000000000000a"


def application(status: Status = Status.SUBMITTED) -> Application:
    return Application(
        id="app_01jd3k0000000000000000000a",
        posting_id=POSTING,
        company_id="cmp_1",
        student_id="usr_s1",
        university_id="uni_a",
        pitch="pitch",
        links=(),
        status=status,
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )


def violations(cmd: SubmitApplication) -> set[str]:
    with pytest.raises(InvalidArgument) as err:
        cmd.validate(Limits())
    return {v.field for v in err.value.violations}


def test_a_valid_submission_passes() -> None:
    SubmitApplication(
        POSTING, "x" * 5000, tuple(f"https://a.example/{i}" for i in range(5))
    ).validate(Limits())


def test_every_bad_field_is_reported_at_once() -> None:
    cmd = SubmitApplication("pst_bad", "x" * 5001, ("ftp://a.example", "https://b.example"))
    assert violations(cmd) == {"posting_id", "pitch", "links[0]"}


def test_link_limits() -> None:
    six = tuple(f"https://a.example/{i}" for i in range(6))
    assert violations(SubmitApplication(POSTING, "p", six)) == {"links"}
    dup = ("https://a.example", "https://a.example")
    assert violations(SubmitApplication(POSTING, "p", dup)) == {"links"}
    assert violations(SubmitApplication(POSTING, "   ", ())) == {"pitch"}


@pytest.mark.parametrize(
    "link",
    [
        "http://a.example",
        "https://localhost/x",
        "https://user:pw@a.example",
        "https://a.example/with space",
        "javascript:alert(1)",
        "https://a.example/" + "x" * 2048,
        "",
    ],
)
def test_unacceptable_links(link: str) -> None:
    assert link_problem(link)


@given(st.text(max_size=300))
def test_link_check_never_crashes(link: str) -> None:
    assert isinstance(link_problem(link), str)


def test_reason_is_required_and_bounded() -> None:
    with pytest.raises(InvalidArgument):
        check_reason(" ", Limits())
    with pytest.raises(InvalidArgument):
        check_reason("x" * 1001, Limits())
    check_reason("Not enough experience", Limits())


def test_state_machine() -> None:
    shortlisted = application().shortlist(NOW)
    assert shortlisted.status is Status.SHORTLISTED
    assert shortlisted.version == 2
    with pytest.raises(errors.WrongStatus):
        shortlisted.shortlist(NOW)
    shortlisted.check_hireable()
    with pytest.raises(errors.WrongStatus):
        application().check_hireable()
    rejected = shortlisted.reject("no", NOW)
    assert (rejected.status, rejected.decision_reason, rejected.decided_at) == (
        Status.REJECTED,
        "no",
        NOW,
    )
    for final in (Status.REJECTED, Status.WITHDRAWN, Status.HIRED):
        with pytest.raises(errors.WrongStatus):
            application(final).withdraw(NOW)
        with pytest.raises(errors.WrongStatus):
            application(final).reject("no", NOW)
    assert application(Status.SHORTLISTED).withdraw(NOW).status is Status.WITHDRAWN


def test_live_key_is_freed_by_withdrawal_only() -> None:
    app = application()
    assert app.live_key == f"{POSTING}/usr_s1"
    assert app.reject("no", NOW).live_key == app.live_key
    assert app.withdraw(NOW).live_key == app.id


def test_visibility() -> None:
    public = view()
    assert public.visible_to("")
    assert public.visible_to("uni_z")
    aimed = view(visibility=Visibility.UNIVERSITIES, approved_universities=frozenset({"uni_a"}))
    assert aimed.visible_to("uni_a")
    assert not aimed.visible_to("uni_b")
    assert not aimed.visible_to("")


def test_who_may_apply_when() -> None:
    view().check_accepts_application("", NOW)
    with pytest.raises(errors.PostingNotFound):
        view(status=PostingStatus.DRAFT).check_accepts_application("", NOW)
    with pytest.raises(errors.PostingNotFound):
        view(visibility=Visibility.UNIVERSITIES).check_accepts_application("uni_a", NOW)
    for status in (PostingStatus.CLOSED, PostingStatus.FILLED, PostingStatus.EXPIRED):
        with pytest.raises(errors.PostingNotOpen):
            view(status=status).check_accepts_application("", NOW)
    deadline = NOW + timedelta(hours=1)
    with pytest.raises(errors.PostingNotOpen):
        view(application_deadline=deadline).check_accepts_application("", deadline)
    view(application_deadline=None).check_accepts_application("", NOW)


def test_hires_are_bounded_by_positions() -> None:
    two = view(positions=2)
    one = two.with_hire("app_1", NOW)
    both = one.with_hire("app_2", NOW)
    assert both.hired_application_ids == ("app_1", "app_2")
    assert both.with_hire("app_2", NOW) is both  # the same hire again changes nothing
    with pytest.raises(errors.NoOpenPosition):
        both.with_hire("app_3", NOW)
    with pytest.raises(errors.NoOpenPosition):
        view(status=PostingStatus.EXPIRED).with_hire("app_1", NOW)


def test_projection_is_monotonic_and_keeps_local_hires() -> None:
    stored = replace(view(source_version=3), hired_application_ids=("app_1",), version=7)
    assert view(source_version=4).newer_than(stored)
    assert not view(source_version=3).newer_than(stored)
    assert not view(source_version=2).newer_than(stored)
    assert view(source_version=1).newer_than(None)
    merged = view(source_version=4, title="New").succeeding(stored)
    assert (merged.title, merged.hired_application_ids, merged.version) == ("New", ("app_1",), 7)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (PostingStatus.FILLED, "posting_filled"),
        (PostingStatus.CLOSED, None),  # still choosing until the decision deadline
        (PostingStatus.CANCELLED, "posting_cancelled"),
        (PostingStatus.EXPIRED, "posting_expired"),
        (PostingStatus.TAKEN_DOWN, "posting_taken_down"),
        (PostingStatus.PENDING_REVIEW, None),
        (PostingStatus.OPEN, None),
        (PostingStatus.DRAFT, None),
    ],
)
def test_closure_reasons(status: PostingStatus, reason: str | None) -> None:
    assert view(status=status).closure_reason == reason
