"""Builders for unit tests: valid terms, postings in any state, an actor of each role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from postings.domain.model import Posting
from postings.domain.values import AiPolicy, Category, Status, Terms, Visibility
from stint.kit.actor import Actor
from stint.kit.money import Money

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
COMPANY = "cmp_acme"


def terms(**changes: Any) -> Terms:
    base = Terms(
        title="Market sizing for a new product",
        summary="Estimate the addressable market",
        description="## Brief\nDo the research.",
        category=Category.MARKET_RESEARCH,
        skills=("excel", "market-research"),
        estimated_hours=20,
        fee=Money(50_000, "USD"),
        positions=2,
        application_deadline=NOW + timedelta(days=7),
        due_date=NOW + timedelta(days=21),
        acceptance_criteria=("A spreadsheet with sources",),
        ai_policy=AiPolicy.DISCLOSE,
        visibility=Visibility.PUBLIC,
        university_ids=(),
    )
    return replace(base, **changes)


def posting(status: Status = Status.DRAFT, **changes: Any) -> Posting:
    draft, _ = Posting.draft("pst_1", COMPANY, "usr_boss", terms(**changes), NOW)
    published = NOW if status is not Status.DRAFT else None
    return replace(draft, status=status, published_at=published, version=1)


@pytest.fixture
def make_terms() -> Callable[..., Terms]:
    return terms


@pytest.fixture
def make_posting() -> Callable[..., Posting]:
    return posting


EMPLOYER = Actor("usr_boss", "employer", COMPANY)
OTHER_EMPLOYER = Actor("usr_rival", "employer", "cmp_rival")
STUDENT = Actor("usr_kim", "student", "uni_mit")
STUDENT_ELSEWHERE = Actor("usr_lee", "student", "uni_other")
STUDENT_NO_UNI = Actor("usr_joe", "student", "")
UNIVERSITY = Actor("usr_office", "university", "uni_mit")
OTHER_UNIVERSITY = Actor("usr_office2", "university", "uni_other")
ADMIN = Actor("usr_root", "admin", "")


@pytest.fixture
def actors() -> dict[str, Actor]:
    return {
        "employer": EMPLOYER,
        "other_employer": OTHER_EMPLOYER,
        "student": STUDENT,
        "student_elsewhere": STUDENT_ELSEWHERE,
        "student_no_uni": STUDENT_NO_UNI,
        "university": UNIVERSITY,
        "other_university": OTHER_UNIVERSITY,
        "admin": ADMIN,
    }


@pytest.fixture
def now() -> datetime:
    return NOW
