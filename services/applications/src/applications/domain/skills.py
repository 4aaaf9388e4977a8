"""Skill slugs, spelled as the postings context spells them (its domain/skills.py), so that a
student's skills and a posting's match exactly. A copy, not an import: services share no code
but the kit and the contracts."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_LENGTH = 40
_SYMBOLS = (("++", " plus plus "), ("+", " plus "), ("#", " sharp "), (".", " dot "))
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(skill: str) -> str:
    """``"Data Visualization"`` -> ``"data-visualization"``, ``"C++"`` -> ``"c-plus-plus"``."""
    text = unicodedata.normalize("NFKD", skill).encode("ascii", "ignore").decode().lower()
    text = text.strip()
    for symbol, word in _SYMBOLS:
        text = text.replace(symbol, word)
    return _NON_ALNUM.sub("-", text).strip("-")


def normalize_skills(skills: tuple[str, ...]) -> tuple[str, ...]:
    """Slugs in first-seen order without duplicates (empty ones are refused by validation)."""
    seen: dict[str, None] = {}
    for skill in skills:
        slug = slugify(skill)
        if slug:
            seen.setdefault(slug, None)
    return tuple(seen)
