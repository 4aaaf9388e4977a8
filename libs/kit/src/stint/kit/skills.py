"""Skill slugs: one spelling per skill, so that filters, profiles and endorsements match
exactly. Postings stores a posting's skills as these slugs, applications a student's, and
submissions compares an employer's endorsements with the posting's in the same spelling."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

MAX_SLUG_LENGTH = 40
# Symbols that carry meaning in skill names ("C++", "C#", ".NET") become words, not nothing.
_SYMBOLS = (("++", " plus plus "), ("+", " plus "), ("#", " sharp "), (".", " dot "))
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(skill: str) -> str:
    """``"Data Visualization"`` -> ``"data-visualization"``, ``"C++"`` -> ``"c-plus-plus"``,
    ``"Économie"`` -> ``"economie"``. Empty when nothing usable is left."""
    text = unicodedata.normalize("NFKD", skill).encode("ascii", "ignore").decode().lower()
    text = text.strip()
    for symbol, word in _SYMBOLS:
        text = text.replace(symbol, word)
    return _NON_ALNUM.sub("-", text).strip("-")


def normalize_skills(skills: Sequence[str]) -> tuple[str, ...]:
    """Slugs in first-seen order without duplicates (empty slugs are kept out here and
    reported by validation)."""
    seen: dict[str, None] = {}
    for skill in skills:
        slug = slugify(skill)
        if slug:
            seen.setdefault(slug, None)
    return tuple(seen)
