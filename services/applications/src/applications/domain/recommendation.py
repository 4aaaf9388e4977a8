"""Recommendations for a student: open postings ranked by what the student brings. Pure.

A posting scores by overlap with three things the student has: the skills on their profile
(3 points a skill), the skills of the postings they were hired for (2 points a skill: past
work) and the words of their programme found in the posting's skills or title (1 point a
word). Only postings with some overlap are recommended, best first (then the soonest
deadline, then the newest); each carries the skills that matched and a reason per source, so
the student sees why.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from applications.domain.posting import PostingStatus, PostingView

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
PROFILE_WEIGHT, PAST_WEIGHT, PROGRAMME_WEIGHT = 3, 2, 1
# Words of a programme's name that say nothing about the work ("BSc Computer Science and
# Economics" -> computer, science, economics).
_STOPWORDS = frozenset(
    {"a", "an", "and", "at", "ba", "bsc", "degree", "for", "in", "ma", "msc", "of", "on"}
    | {"phd", "the", "to", "with", "studies", "study"}
)
_WORD = re.compile(r"[a-z0-9]+")


class Source(enum.StrEnum):
    PROFILE_SKILLS = "PROFILE_SKILLS"
    PAST_WORK = "PAST_WORK"
    PROGRAMME = "PROGRAMME"


@dataclass(frozen=True)
class Reason:
    source: Source
    matches: tuple[str, ...]

    @property
    def text(self) -> str:
        listed = ", ".join(self.matches)
        if self.source is Source.PROFILE_SKILLS:
            return f"Matches your skills: {listed}"
        if self.source is Source.PAST_WORK:
            return f"Uses skills from your past projects: {listed}"
        return f"Fits your programme: {listed}"


@dataclass(frozen=True)
class Recommendation:
    posting: PostingView
    score: int
    matched_skills: tuple[str, ...]
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class StudentTraits:
    """What a student brings: profile skills, past-work skills and programme words."""

    profile_skills: frozenset[str] = frozenset()
    past_skills: frozenset[str] = frozenset()
    programme_words: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.profile_skills or self.past_skills or self.programme_words)


def programme_words(programme: str) -> frozenset[str]:
    words = _WORD.findall(programme.lower())
    return frozenset(w for w in words if len(w) > 2 and w not in _STOPWORDS)


def score(traits: StudentTraits, posting: PostingView) -> Recommendation | None:
    """The posting as a recommendation for a student with `traits`, or None without overlap."""
    from_profile = tuple(s for s in posting.skills if s in traits.profile_skills)
    from_past = tuple(s for s in posting.skills if s in traits.past_skills)
    posting_words = set(_WORD.findall(posting.title.lower()))
    for skill in posting.skills:
        posting_words.update(skill.split("-"))
    from_programme = tuple(sorted(traits.programme_words & posting_words))
    points = (
        PROFILE_WEIGHT * len(from_profile)
        + PAST_WEIGHT * len(from_past)
        + PROGRAMME_WEIGHT * len(from_programme)
    )
    if not points:
        return None
    reasons = tuple(
        Reason(source, found)
        for source, found in (
            (Source.PROFILE_SKILLS, from_profile),
            (Source.PAST_WORK, from_past),
            (Source.PROGRAMME, from_programme),
        )
        if found
    )
    matched = tuple(s for s in posting.skills if s in from_profile or s in from_past)
    return Recommendation(posting, points, matched, reasons)


def recommend(
    traits: StudentTraits,
    postings: Iterable[PostingView],
    *,
    university_id: str,
    applied: frozenset[str],
    now: datetime,
    limit: int,
) -> list[Recommendation]:
    """The best `limit` open postings visible to the student, not applied to yet, still
    before their deadline."""
    found: list[Recommendation] = []
    for posting in postings:
        if posting.status is not PostingStatus.OPEN or posting.id in applied:
            continue
        if not posting.visible_to(university_id):
            continue
        if posting.application_deadline is not None and now >= posting.application_deadline:
            continue
        ranked = score(traits, posting)
        if ranked is not None:
            found.append(ranked)
    # Best score first; then the soonest deadline; then the newest (ids are time-ordered).
    never = datetime.max.replace(tzinfo=now.tzinfo)
    found.sort(key=lambda r: r.posting.id, reverse=True)
    found.sort(key=lambda r: (-r.score, r.posting.application_deadline or never))
    return found[:limit]
