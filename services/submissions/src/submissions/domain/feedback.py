"""Double-blind feedback after completion: each side rates once; neither sees the other's
rating until both have rated or the reveal window (from completion) has passed. Rating is
closed once the ratings are revealed, so a late rater can never react to the other's rating.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from stint.kit.errors import AlreadyExists
from stint.kit.skills import slugify
from submissions.domain import events as ev
from submissions.domain.errors import WrongState
from submissions.domain.model import Engagement, Feedback, Party, Status


def give(engagement: Engagement, feedback: Feedback) -> list[ev.Event]:
    """Record one side's rating; reveals both at once when the other side already rated."""
    if engagement.status is not Status.COMPLETED:
        raise WrongState("feedback opens when the engagement is completed")
    if any(f.author is feedback.author for f in engagement.feedback):
        raise AlreadyExists(f"the {feedback.author.value.lower()} has already rated")
    due = engagement.reveal_due_at
    if engagement.feedback_revealed or (due is not None and feedback.given_at >= due):
        raise WrongState("the feedback window is closed")
    engagement.feedback.append(feedback)
    events: list[ev.Event] = [
        ev.FeedbackGiven(
            engagement.id, engagement.company_id, engagement.student_id, feedback.author
        )
    ]
    if {f.author for f in engagement.feedback} == {Party.EMPLOYER, Party.STUDENT}:
        events += _reveal(engagement)
    return events


def reveal_if_due(engagement: Engagement, now: datetime) -> list[ev.Event]:
    """The reveal timer: show whatever was rated once the window has passed."""
    due = reveal_due_at(engagement)
    if due is None or now < due:
        return []
    return _reveal(engagement)


def reveal_due_at(engagement: Engagement) -> datetime | None:
    """When the pending ratings must be revealed; None when there is nothing to reveal."""
    pending = engagement.status is Status.COMPLETED and not engagement.feedback_revealed
    return engagement.reveal_due_at if pending and engagement.feedback else None


def visible(engagement: Engagement) -> list[Feedback]:
    """The ratings anyone may see (all of them once revealed, none before)."""
    return list(engagement.feedback) if engagement.feedback_revealed else []


def own(engagement: Engagement, party: Party) -> Feedback | None:
    return next((f for f in engagement.feedback if f.author is party), None)


def revealed_employer_feedback(engagement: Engagement) -> Feedback | None:
    return next((f for f in visible(engagement) if f.author is Party.EMPLOYER), None)


def _reveal(engagement: Engagement) -> list[ev.Event]:
    engagement.feedback_revealed = True
    return [ev.FeedbackRevealed(engagement.snapshot())]


def endorsements(given: Sequence[str], posting_skills: Sequence[str]) -> tuple[str, ...]:
    """Each endorsed skill in the posting's spelling when its slug (the kit's rule, by which
    postings stores skills) matches one of the posting's: 'Excel' endorses `excel`. Anything
    else stays as given, and validation refuses it."""
    by_slug = {slugify(s): s for s in posting_skills}
    return tuple(by_slug.get(slugify(s), s.strip()) for s in given)
