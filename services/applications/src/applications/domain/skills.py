"""Skill slugs, spelled as the postings context spells them, so that a student's skills and a
posting's match exactly: the kit's one rule (`stint.kit.skills`)."""

from __future__ import annotations

from stint.kit.skills import MAX_SLUG_LENGTH, normalize_skills, slugify

__all__ = ["MAX_SLUG_LENGTH", "normalize_skills", "slugify"]
