"""Choosing after applications close, the decision deadline, and applying right after publish."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from applications.domain import errors
from applications.domain.commands import SubmitApplication
from applications.domain.model import Status
from applications.domain.posting import (
    DECISION_DEADLINE_PASSED,
    PostingStatus,
    PostingView,
    Visibility,
)
from applications.handlers import Handlers
from applications.handlers.catch_up import posting_to_apply
from stint.applications.v1 import events_pb2 as ae
from stint.kit.ids import new_id
from stint.kit.testing.clock import ManualClock

from .fakes import (
    NOW,
    POSTING,
    SYSTEM,
    FakeRepository,
    apply,
    build,
    employer,
    shortlisted,
    student,
    view,
)

DECIDE_BY = NOW + timedelta(days=10)
Setup = tuple[Handlers, FakeRepository, ManualClock]


@pytest.fixture
def world() -> Setup:
    handlers, repo, clock = build()
    repo.postings[POSTING] = replace(view(decision_deadline=DECIDE_BY), version=1)
    return handlers, repo, clock


def snapshot(version: int, status: PostingStatus, over: bool = False) -> PostingView:
    return view(
        source_version=version, status=status, decision_deadline=DECIDE_BY, decisions_over=over
    )


def rejections(repo: FakeRepository) -> list[str]:
    return [
        ae.ApplicationRejected.FromString(e.data).reason
        for _, _, e in repo.outbox
        if e.type.endswith("ApplicationRejected")
    ]


async def test_closing_keeps_the_candidates_and_the_company_hires_later(world: Setup) -> None:
    handlers, repo, clock = world
    chosen, waiting = await shortlisted(handlers), await apply(handlers)
    await handlers.postings.on_posting(snapshot(2, PostingStatus.CLOSED), SYSTEM)
    assert rejections(repo) == []
    assert (
        await handlers.applications.get(waiting.id, employer().actor)
    ).status is Status.SUBMITTED
    clock.advance(timedelta(days=2))  # after the application deadline, before the decision one
    hired, posting = await handlers.hiring.hire(chosen.id, employer())
    assert hired.status is Status.HIRED
    assert posting.hired_application_ids == (chosen.id,)


async def test_no_hire_after_the_decision_deadline(world: Setup) -> None:
    handlers, _, clock = world
    chosen = await shortlisted(handlers)
    await handlers.postings.on_posting(snapshot(2, PostingStatus.CLOSED), SYSTEM)
    clock.advance(DECIDE_BY - NOW)  # the timer's event has not arrived yet: the time decides
    with pytest.raises(errors.DecisionDeadlinePassed, match=r"decision deadline .* has passed"):
        await handlers.hiring.hire(chosen.id, employer())
    app = await handlers.applications.get(chosen.id, employer().actor)
    assert (app.status, app.hire_started_at) == (Status.SHORTLISTED, None)


async def test_the_decision_deadline_answers_everyone_still_waiting(world: Setup) -> None:
    handlers, repo, _ = world
    await shortlisted(handlers)
    await apply(handlers)
    await handlers.postings.on_posting(snapshot(2, PostingStatus.CLOSED), SYSTEM)
    passed = snapshot(3, PostingStatus.CLOSED, over=True)
    await handlers.postings.on_posting(passed, SYSTEM)
    await handlers.postings.on_posting(passed, SYSTEM)  # redelivered
    assert rejections(repo) == [DECISION_DEADLINE_PASSED] * 2
    # A later snapshot without the flag (e.g. a completion) keeps it.
    await handlers.postings.on_posting(snapshot(4, PostingStatus.COMPLETED), SYSTEM)
    assert repo.postings[POSTING].decisions_over


async def test_expired_at_the_decision_deadline_says_so(world: Setup) -> None:
    handlers, repo, _ = world
    await apply(handlers)
    await handlers.postings.on_posting(snapshot(2, PostingStatus.EXPIRED), SYSTEM)
    assert rejections(repo) == [DECISION_DEADLINE_PASSED]


async def test_the_deadline_flag_counts_on_a_snapshot_already_stored(world: Setup) -> None:
    handlers, repo, _ = world
    await handlers.postings.on_posting(snapshot(2, PostingStatus.CLOSED), SYSTEM)
    await handlers.postings.on_posting(snapshot(2, PostingStatus.CLOSED, over=True), SYSTEM)
    assert repo.postings[POSTING].decisions_over


async def test_filling_while_closed_answers_the_rest(world: Setup) -> None:
    handlers, repo, _ = world
    await apply(handlers)
    await handlers.postings.on_posting(snapshot(2, PostingStatus.CLOSED), SYSTEM)
    await handlers.postings.on_posting(snapshot(3, PostingStatus.FILLED), SYSTEM)
    assert rejections(repo) == ["posting_filled"]


# --- applying right after publish -------------------------------------------------------------


async def test_a_public_draft_or_a_recent_unknown_posting_is_not_ready(world: Setup) -> None:
    handlers, repo, _ = world
    repo.postings[POSTING] = replace(repo.postings[POSTING], status=PostingStatus.DRAFT)
    with pytest.raises(errors.PostingNotReady) as caught:
        await handlers.applications.submit(SubmitApplication(POSTING, "pitch", ()), student())
    assert caught.value.retry_after == 1
    recent = new_id("pst", now_ms=int(NOW.timestamp() * 1000) - 1000)
    with pytest.raises(errors.PostingNotReady):
        await handlers.applications.submit(SubmitApplication(recent, "pitch", ()), student())


async def test_old_unknown_and_invisible_drafts_are_still_not_found(world: Setup) -> None:
    handlers, repo, _ = world
    old = new_id("pst", now_ms=int((NOW - timedelta(days=1)).timestamp() * 1000))
    with pytest.raises(errors.PostingNotFound):
        await handlers.applications.submit(SubmitApplication(old, "pitch", ()), student())
    aimed = replace(
        repo.postings[POSTING], status=PostingStatus.DRAFT, visibility=Visibility.UNIVERSITIES
    )
    repo.postings[POSTING] = aimed
    with pytest.raises(errors.PostingNotFound):
        await handlers.applications.submit(SubmitApplication(POSTING, "pitch", ()), student())


async def test_a_posting_waiting_for_review_is_not_found_at_once(world: Setup) -> None:
    """Its PostingSubmittedForReview reached the projection: nothing to wait for (it opens only
    when an admin approves it, which may take days), and no hint that it exists."""
    handlers, repo, _ = world
    pending = replace(repo.postings[POSTING], status=PostingStatus.PENDING_REVIEW)
    repo.postings[POSTING] = pending
    with pytest.raises(errors.PostingNotFound):
        await handlers.applications.submit(SubmitApplication(POSTING, "pitch", ()), student())


async def test_a_made_up_id_with_a_time_beyond_any_date_is_not_found(world: Setup) -> None:
    """pst_z9…: its time prefix reads as the year 10889 (no datetime holds it), not a crash."""
    handlers, _, _ = world
    with pytest.raises(errors.PostingNotFound):
        await handlers.applications.submit(
            SubmitApplication("pst_z90cj0vdzx89906059xs20fgdw", "pitch", ()), student()
        )


async def test_the_request_waits_for_the_projection_to_catch_up(world: Setup) -> None:
    handlers, repo, _ = world
    repo.postings[POSTING] = replace(repo.postings[POSTING], status=PostingStatus.DRAFT)
    opened = replace(repo.postings[POSTING], status=PostingStatus.OPEN)
    deps = replace(handlers.applications._d, catch_up_seconds=5.0)  # type: ignore[attr-defined]

    async def publish_soon() -> None:
        await asyncio.sleep(0)  # the event lands while the request waits
        repo.postings[POSTING] = opened

    task = asyncio.create_task(publish_soon())
    found = await posting_to_apply(deps, POSTING, "uni_a")
    await task
    assert found.status is PostingStatus.OPEN
