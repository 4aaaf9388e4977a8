"""Double-blind feedback: hidden until both rated or the window passed; one rating each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stint.kit.errors import AlreadyExists
from submissions.domain import events as ev
from submissions.domain import feedback as fb
from submissions.domain.errors import WrongState
from submissions.domain.model import (
    Artifact,
    Decision,
    Engagement,
    Feedback,
    Party,
    Review,
    Submission,
    Windows,
)

from .fakes import T0, engagement

DONE = T0 + timedelta(days=2)


def completed() -> Engagement:
    e = engagement()
    artifact = Artifact("deck.pdf", "https://files.example/deck.pdf")
    e.submit(Submission(1, "", (artifact,), False, "", T0 + timedelta(days=1)), Windows())
    e.approve(Review(1, Decision.APPROVED, "", (), "usr_boss", DONE), Windows())
    return e


def rating(party: Party, stars: int, at: timedelta = timedelta(days=1)) -> Feedback:
    skills = ("SQL",) if party is Party.EMPLOYER else ()
    return Feedback(party, stars, "", skills, DONE + at)


def test_a_single_rating_stays_hidden() -> None:
    e = completed()
    events = fb.give(e, rating(Party.EMPLOYER, 5))
    assert [type(x) for x in events] == [ev.FeedbackGiven]
    assert fb.visible(e) == []
    assert fb.revealed_employer_feedback(e) is None
    assert fb.own(e, Party.EMPLOYER) is not None
    assert fb.reveal_due_at(e) == DONE + timedelta(days=14)


def test_both_ratings_reveal_at_once() -> None:
    e = completed()
    fb.give(e, rating(Party.STUDENT, 4))
    events = fb.give(e, rating(Party.EMPLOYER, 5))
    assert [type(x) for x in events] == [ev.FeedbackGiven, ev.FeedbackRevealed]
    assert {f.author for f in fb.visible(e)} == {Party.STUDENT, Party.EMPLOYER}
    assert fb.reveal_due_at(e) is None  # nothing left for the timer


def test_the_window_reveals_a_lone_rating_and_closes_rating() -> None:
    e = completed()
    fb.give(e, rating(Party.STUDENT, 2))
    assert fb.reveal_if_due(e, DONE + timedelta(days=13)) == []
    events = fb.reveal_if_due(e, DONE + timedelta(days=14))
    assert [type(x) for x in events] == [ev.FeedbackRevealed]
    assert [f.rating for f in fb.visible(e)] == [2]
    with pytest.raises(WrongState):
        fb.give(e, rating(Party.EMPLOYER, 1, at=timedelta(days=15)))


def test_no_rating_after_the_window_even_if_nobody_rated() -> None:
    e = completed()
    with pytest.raises(WrongState):
        fb.give(e, rating(Party.EMPLOYER, 5, at=timedelta(days=14)))


def test_each_side_rates_once() -> None:
    e = completed()
    fb.give(e, rating(Party.EMPLOYER, 5))
    with pytest.raises(AlreadyExists):
        fb.give(e, rating(Party.EMPLOYER, 1))


def test_no_rating_before_completion() -> None:
    with pytest.raises(WrongState):
        fb.give(engagement(), rating(Party.STUDENT, 5))


def test_nothing_to_reveal_without_ratings() -> None:
    e = completed()
    assert fb.reveal_due_at(e) is None
    assert fb.reveal_if_due(e, DONE + timedelta(days=30)) == []
