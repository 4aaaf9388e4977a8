"""The platform's review of a posting: its state and the automatic checks run on every
publish. Pure: no I/O.

A publish with any finding (unverified company, pay-floor exception, prohibited kind of work,
no acceptance criteria) goes to PENDING_REVIEW; with none, a verified company's posting opens
directly. Flags of an open posting put it back in the queue while it stays open.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime

from postings.domain.values import Terms

UNVERIFIED_COMPANY = "unverified_company"
PAY_FLOOR_EXCEPTION = "pay_floor_exception"
PROHIBITED_WORK = "prohibited_work"
MISSING_ACCEPTANCE_CRITERIA = "missing_acceptance_criteria"
FLAGGED = "flagged"

# Phrases of work the platform never accepts (STINT_PROHIBITED_WORK replaces the list).
DEFAULT_PROHIBITED_WORK = (
    "unpaid trial",
    "commission only",
    "commission-only",
    "door-to-door",
    "door to door",
    "multi-level marketing",
    "mlm",
    "pyramid scheme",
    "essay writing for others",
    "write essays for students",
    "fake reviews",
)


class ReviewStatus(enum.Enum):
    NOT_REQUIRED = "NOT_REQUIRED"
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    TAKEN_DOWN = "TAKEN_DOWN"


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass(frozen=True)
class Review:
    status: ReviewStatus
    findings: tuple[Finding, ...] = ()
    reason: str = ""
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str = ""
    flag_count: int = 0


def automatic_findings(
    terms: Terms, company_verified: bool, prohibited: tuple[str, ...]
) -> tuple[Finding, ...]:
    """What a reviewer must look at before `terms` may open (empty: nothing)."""
    found: list[Finding] = []
    if not company_verified:
        found.append(Finding(UNVERIFIED_COMPANY, "the company is not verified yet"))
    if terms.pay_floor_exception.strip():
        found.append(
            Finding(PAY_FLOOR_EXCEPTION, f"below the pay floor: {terms.pay_floor_exception}")
        )
    matched = prohibited_phrases(terms, prohibited)
    if matched:
        found.append(Finding(PROHIBITED_WORK, "mentions " + ", ".join(f"“{m}”" for m in matched)))
    if not any(c.strip() for c in terms.acceptance_criteria):
        found.append(Finding(MISSING_ACCEPTANCE_CRITERIA, "no acceptance criteria"))
    return tuple(found)


def prohibited_phrases(terms: Terms, prohibited: tuple[str, ...]) -> list[str]:
    """The phrases of `prohibited` in the title, summary, description or skills (case and
    spacing insensitive, whole words; skill slugs count their hyphens as spaces)."""
    text = _words(" ".join([terms.title, terms.summary, terms.description, *terms.skills]))
    return [p for p in prohibited if _words(p) and f" {_words(p)} " in f" {text} "]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
