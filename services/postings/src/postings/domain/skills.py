"""Skill slugs: one spelling per skill, so that filters and endorsements match exactly. The
rule is the kit's (`stint.kit.skills`), shared with applications and submissions."""

from __future__ import annotations

from stint.kit.skills import MAX_SLUG_LENGTH, normalize_skills, slugify

__all__ = ["MAX_SLUG_LENGTH", "normalize_skills", "slugify"]
