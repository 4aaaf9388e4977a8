"""A student's saved search and when a posting matches it. Pure: no I/O, no protobuf.

A new posting finds the searches it may match through their *match keys* (indexed equality,
never a scan of every search): a search with skills is keyed by each skill, one without
skills by its category (validation requires one or the other). The remaining filters (the
category of a search with skills, the words, the fee) are checked here, in memory, on the
few searches the keys found. The same rule as ListPostings: words are case-insensitive
substrings of the title, summary or description; a fee minimum matches only its currency.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from postings.domain import access
from postings.domain.model import Posting
from postings.domain.skills import MAX_SLUG_LENGTH, slugify
from postings.domain.validation import MAX_FILTER_SKILLS, MAX_WORD, MAX_WORDS
from postings.domain.values import Category, Status
from stint.kit.actor import STUDENT, Actor
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.money import Money

MAX_PER_STUDENT = 20
MAX_NAME = 100
# Postings a search remembers having alerted for (idempotency per search and posting); a
# posting opens once, so older ones never come back.
ALERTED_KEPT = 200


@dataclass(frozen=True)
class SearchFilters:
    """What the student asks for: every filter set must hold."""

    name: str
    words: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()  # slugs
    category: Category | None = None
    fee_min: Money | None = None


@dataclass(frozen=True)
class SavedSearch:
    id: str
    student_id: str
    university_id: str  # the student's org when saved: what they may see
    filters: SearchFilters
    created_at: datetime
    slot: int = 0  # 0..MAX_PER_STUDENT-1, unique per student (the bound under races)
    alerted: tuple[str, ...] = ()  # posting ids already alerted, newest last
    version: int = 0

    @property
    def owner(self) -> Actor:
        return Actor(self.student_id, STUDENT, self.university_id)

    def alert(self, posting: Posting) -> tuple[SavedSearch, tuple[str, ...]] | None:
        """The search after alerting for `posting` and the matched skills, or None when the
        posting does not match, is not open, is invisible to the student or was alerted."""
        if posting.id in self.alerted or posting.status is not Status.OPEN:
            return None
        if not access.can_see(self.owner, posting):
            return None
        matched = matches(self.filters, posting)
        if matched is None:
            return None
        alerted = (*self.alerted, posting.id)[-ALERTED_KEPT:]
        return replace(self, alerted=alerted), matched


def match_keys(filters: SearchFilters) -> tuple[str, ...]:
    """The indexed keys a new posting looks the search up by."""
    if filters.skills:
        return tuple(f"skill:{s}" for s in filters.skills)
    if filters.category is not None:
        return (f"category:{filters.category.value}",)
    return ()


def posting_keys(posting: Posting) -> tuple[str, ...]:
    """The keys of every search `posting` may match (one indexed lookup each)."""
    keys = [f"skill:{s}" for s in posting.terms.skills]
    if posting.terms.category is not None:
        keys.append(f"category:{posting.terms.category.value}")
    return tuple(keys)


def matches(filters: SearchFilters, posting: Posting) -> tuple[str, ...] | None:
    """The search's skills that the posting asks for (empty for a category-only search) when
    every filter holds, else None."""
    terms = posting.terms
    matched = tuple(s for s in filters.skills if s in terms.skills)
    if filters.skills and not matched:
        return None
    if filters.category is not None and terms.category is not filters.category:
        return None
    text = " ".join((terms.title, terms.summary, terms.description)).casefold()
    if any(word.casefold() not in text for word in filters.words):
        return None
    fee = filters.fee_min
    if fee is not None and (
        terms.fee.currency != fee.currency or terms.fee.amount_minor < fee.amount_minor
    ):
        return None
    return matched


def free_slot(taken: set[int]) -> int | None:
    """The lowest slot a new search may take, or None at the bound."""
    return next((s for s in range(MAX_PER_STUDENT) if s not in taken), None)


def validate(filters: SearchFilters, raw_skills: tuple[str, ...], max_amount_minor: int) -> None:
    """InvalidArgument listing every problem of a search to save (`raw_skills`: the skills as
    given, before they became slugs)."""
    bad: list[FieldViolation] = []
    f = "saved_search"
    if not filters.name.strip() or len(filters.name) > MAX_NAME:
        bad.append(FieldViolation(f"{f}.name", f"must be 1 to {MAX_NAME} characters"))
    if len(filters.words) > MAX_WORDS or any(len(w) > MAX_WORD for w in filters.words):
        bad.append(FieldViolation(f"{f}.query", f"at most {MAX_WORDS} words of {MAX_WORD} chars"))
    if len(raw_skills) > MAX_FILTER_SKILLS:
        bad.append(FieldViolation(f"{f}.skills", f"at most {MAX_FILTER_SKILLS} skills"))
    for i, skill in enumerate(raw_skills):
        if not slugify(skill) or len(skill) > MAX_SLUG_LENGTH:
            bad.append(FieldViolation(f"{f}.skills[{i}]", "1 to 40 characters, a letter or digit"))
    if not filters.skills and filters.category is None:
        bad.append(
            FieldViolation(f"{f}.skills", "give at least one skill or a category to be alerted")
        )
    fee = filters.fee_min
    if fee is not None and (
        not 0 <= fee.amount_minor <= max_amount_minor
        or len(fee.currency) != 3
        or not fee.currency.isalpha()
        or not fee.currency.isupper()
    ):
        bad.append(
            FieldViolation(
                f"{f}.fee_min", f"needs 0 to {max_amount_minor} minor units and a currency code"
            )
        )
    if bad:
        raise InvalidArgument("bad saved search", bad)
