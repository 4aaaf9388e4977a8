"""Recommendations: open, visible, not-yet-applied postings ranked by profile skills, past
work and programme words, each explained; students only; bounded."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from applications.adapters.recommendation_wire import recommendation_message
from applications.domain.posting import PostingStatus, Visibility
from applications.domain.recommendation import Source, programme_words
from stint.applications.v1 import recommendation_pb2 as pb
from stint.kit.actor import Actor
from stint.kit.errors import InvalidArgument, PermissionDenied

from .fakes import NOW, POSTING, apply, employer, student, view
from .test_profiles import profile_input

ADA = Actor("usr_ada", "student", "uni_a")


def pid(n: int) -> str:
    return f"pst_01jd3k00000000000000000{n:02d}"


async def test_ranked_by_profile_skills_past_work_and_programme(setup: tuple) -> None:
    handlers, repo = setup
    # Ada was hired for POSTING (market-research), so that skill is her past work.
    app = await apply(handlers, student(ADA.subject, "uni_a"))
    await handlers.applications.shortlist(app.id, employer())
    await handlers.hiring.hire(app.id, employer())
    skills = ("Data Visualization", "SQL")
    await handlers.profiles.put(profile_input(skills=skills, programme="BSc Economics"), ADA)
    repo.postings[pid(1)] = view(id=pid(1), skills=("sql", "data-visualization"))
    repo.postings[pid(2)] = view(id=pid(2), skills=("market-research",))
    repo.postings[pid(3)] = view(id=pid(3), title="Economics of pricing", skills=("excel",))
    repo.postings[pid(4)] = view(id=pid(4), skills=("design",))  # nothing in common
    found = await handlers.recommendations.for_student(ADA, 0)
    assert [(r.posting.id, r.score) for r in found] == [(pid(1), 6), (pid(2), 2), (pid(3), 1)]
    best = found[0]
    assert best.matched_skills == ("sql", "data-visualization")
    assert [(r.source, r.matches) for r in best.reasons] == [
        (Source.PROFILE_SKILLS, ("sql", "data-visualization"))
    ]
    assert [(r.source, r.matches) for r in found[1].reasons] == [
        (Source.PAST_WORK, ("market-research",))
    ]
    assert [(r.source, r.matches) for r in found[2].reasons] == [(Source.PROGRAMME, ("economics",))]
    assert POSTING not in [r.posting.id for r in found]  # she applied to it already


async def test_only_open_visible_postings_before_their_deadline(setup: tuple) -> None:
    handlers, repo = setup
    await handlers.profiles.put(profile_input(skills=("SQL",)), ADA)
    repo.postings[pid(1)] = view(id=pid(1), skills=("sql",), status=PostingStatus.CLOSED)
    repo.postings[pid(2)] = view(
        id=pid(2), skills=("sql",), application_deadline=NOW - timedelta(minutes=1)
    )
    repo.postings[pid(3)] = view(
        id=pid(3),
        skills=("sql",),
        visibility=Visibility.UNIVERSITIES,
        approved_universities=frozenset({"uni_b"}),
    )
    repo.postings[pid(4)] = view(
        id=pid(4),
        skills=("sql",),
        visibility=Visibility.UNIVERSITIES,
        approved_universities=frozenset({"uni_a"}),
    )
    found = await handlers.recommendations.for_student(ADA, 0)
    assert [r.posting.id for r in found] == [pid(4)]


async def test_the_limit_is_bounded_and_students_only(setup: tuple) -> None:
    handlers, repo = setup
    await handlers.profiles.put(profile_input(skills=("SQL",)), ADA)
    for n in range(1, 6):
        repo.postings[pid(n)] = replace(view(id=pid(n), skills=("sql",)))
    assert len(await handlers.recommendations.for_student(ADA, 2)) == 2
    with pytest.raises(InvalidArgument):
        await handlers.recommendations.for_student(ADA, 51)
    with pytest.raises(PermissionDenied):
        await handlers.recommendations.for_student(Actor("usr_e1", "employer", "cmp_1"), 0)
    # Without a profile or history there is nothing to match on.
    assert await handlers.recommendations.for_student(Actor("usr_new", "student", "u"), 0) == []


def test_programme_words_drop_the_filler() -> None:
    assert programme_words("BSc Computer Science and Economics") == {
        "computer",
        "science",
        "economics",
    }


async def test_the_wire_says_why(setup: tuple) -> None:
    handlers, repo = setup
    await handlers.profiles.put(profile_input(skills=("SQL",)), ADA)
    repo.postings[pid(1)] = view(id=pid(1), skills=("sql",))
    [found] = await handlers.recommendations.for_student(ADA, 0)
    message = recommendation_message(found)
    assert (message.posting_id, message.score, list(message.matched_skills)) == (pid(1), 3, ["sql"])
    [reason] = message.reasons
    assert reason.source == pb.RECOMMENDATION_SOURCE_PROFILE_SKILLS
    assert reason.text == "Matches your skills: sql"
    assert message.fee.amount_minor == 50_000
