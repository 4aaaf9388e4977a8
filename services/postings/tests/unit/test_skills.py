"""Skill slugs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postings.domain.skills import normalize_skills, slugify


@pytest.mark.parametrize(
    ("raw", "slug"),
    [
        ("Data Visualization", "data-visualization"),
        ("  data_visualization ", "data-visualization"),
        ("C++", "c-plus-plus"),
        ("C#", "c-sharp"),
        (".NET", "dot-net"),
        ("Économie", "economie"),
        ("SQL / Postgres", "sql-postgres"),
        ("!!!", ""),
    ],
)
def test_slugify(raw: str, slug: str) -> None:
    assert slugify(raw) == slug


def test_normalize_dedupes_in_order() -> None:
    assert normalize_skills(["Excel", "Python", "excel ", "!!"]) == ("excel", "python")


@given(st.text(max_size=60))
def test_slugs_are_stable_and_url_safe(raw: str) -> None:
    slug = slugify(raw)
    assert slugify(slug) == slug
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert not slug.startswith("-")
    assert not slug.endswith("-")
