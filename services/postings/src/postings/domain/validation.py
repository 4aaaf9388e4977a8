"""Validation of what an employer writes: every bound, the pay floor, dates. Pure.

All violations are collected and raised at once, so a form can show every problem together.
Field names are those of `PostingInput` (the gRPC layer prefixes the request field).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from postings.domain.commands import ListQuery
from postings.domain.skills import MAX_SLUG_LENGTH, slugify
from postings.domain.values import MAX_DECISION_WINDOW, Terms, Visibility
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.money import DEFAULT_MAX_AMOUNT_MINOR
from stint.kit.paging import PageRequest, page_request

TITLE = (3, 120)
MAX_SUMMARY = 280
MAX_DESCRIPTION = 10_000
MAX_SKILLS = 15
POSITIONS = (1, 10)
MAX_CRITERIA = 10
MAX_CRITERION = 200
MAX_UNIVERSITIES = 20
MAX_ID = 100
MAX_REASON = 500
REVISION_LIMIT = (0, 5)  # 0 in the input means the default (2)
MAX_MILESTONES = 10
MAX_MILESTONE_TITLE = 120
MAX_DELIVERABLE = 500

# Collects one violation: (field, description).
Bad = Callable[[str, str], None]


@dataclass(frozen=True)
class Policy:
    """Platform policy knobs (from settings)."""

    min_hours: int = 10
    max_hours: int = 40
    # Hourly pay floor per accepted currency, in that currency's minor units.
    hourly_floor_minor: dict[str, int] = field(default_factory=lambda: {"USD": 2000})
    # The platform maximum per amount (design.md §10, STINT_MAX_AMOUNT_MINOR): a fee above it
    # is refused here, where it enters, so payouts never has to sum absurd amounts.
    max_amount_minor: int = DEFAULT_MAX_AMOUNT_MINOR
    # Phrases of prohibited kinds of work (lower case), matched in title, summary, description
    # and skills by the automatic review checks (`domain.review`).
    prohibited_work: tuple[str, ...] = ()

    def minimum_fee(self, hours: int, currency: str) -> int | None:
        floor = self.hourly_floor_minor.get(currency)
        return None if floor is None else floor * hours


def format_minor(amount_minor: int, currency: str) -> str:
    return f"{currency} {amount_minor // 100}.{amount_minor % 100:02d}"


def validate_terms(terms: Terms, policy: Policy, now: datetime) -> None:
    """Raise InvalidArgument listing every problem with `terms` (deadline must be after `now`)."""
    problems: list[FieldViolation] = []

    def bad(name: str, description: str) -> None:
        problems.append(FieldViolation(name, description))

    if not TITLE[0] <= len(terms.title.strip()) <= TITLE[1]:
        bad("title", f"must be {TITLE[0]} to {TITLE[1]} characters")
    if len(terms.summary) > MAX_SUMMARY:
        bad("summary", f"must be at most {MAX_SUMMARY} characters")
    if len(terms.description) > MAX_DESCRIPTION:
        bad("description", f"must be at most {MAX_DESCRIPTION} characters")
    if terms.category is None:
        bad("category", "is required")
    if terms.ai_policy is None:
        bad("ai_policy", "is required")
    _check_skills(terms.skills, bad)
    _check_work(terms, policy, bad)
    _check_dates(terms, now, bad)
    _check_criteria(terms.acceptance_criteria, bad)
    _check_visibility(terms, bad)
    if len(terms.pay_floor_exception) > MAX_REASON:
        bad("pay_floor_exception", f"must be at most {MAX_REASON} characters")
    if not 0 <= terms.kill_fee_percent <= 100:
        bad("kill_fee_percent", "must be 0 to 100")
    if not REVISION_LIMIT[0] <= terms.revision_limit <= REVISION_LIMIT[1]:
        bad("revision_limit", f"must be {REVISION_LIMIT[0]} to {REVISION_LIMIT[1]}")
    _check_milestones(terms, bad)
    if problems:
        raise InvalidArgument("the posting is not valid", problems)


def _check_skills(skills: tuple[str, ...], bad: Bad) -> None:
    if len(skills) > MAX_SKILLS:
        bad("skills", f"at most {MAX_SKILLS} skills")
    for i, skill in enumerate(skills):
        slug = slugify(skill)
        if not slug or len(slug) > MAX_SLUG_LENGTH:
            bad(f"skills[{i}]", f"must have 1 to {MAX_SLUG_LENGTH} letters or digits")


def _check_work(terms: Terms, policy: Policy, bad: Bad) -> None:
    hours_ok = policy.min_hours <= terms.estimated_hours <= policy.max_hours
    if not hours_ok:
        bad("estimated_hours", f"must be {policy.min_hours} to {policy.max_hours} hours")
    if not POSITIONS[0] <= terms.positions <= POSITIONS[1]:
        bad("positions", f"must be {POSITIONS[0]} to {POSITIONS[1]}")
    fee = terms.fee
    if fee.currency not in policy.hourly_floor_minor:
        accepted = ", ".join(sorted(policy.hourly_floor_minor))
        bad("fee.currency", f"must be one of the accepted currencies: {accepted}")
    elif fee.amount_minor <= 0:
        bad("fee.amount_minor", "must be positive")
    elif fee.amount_minor > policy.max_amount_minor:
        maximum = format_minor(policy.max_amount_minor, fee.currency)
        bad("fee.amount_minor", f"must be at most {maximum} (the platform maximum per amount)")
    elif hours_ok:
        minimum = policy.minimum_fee(terms.estimated_hours, fee.currency) or 0
        if fee.amount_minor < minimum and not terms.pay_floor_exception.strip():
            floor = format_minor(policy.hourly_floor_minor[fee.currency], fee.currency)
            bad(
                "fee.amount_minor",
                f"must be at least {format_minor(minimum, fee.currency)} "
                f"({terms.estimated_hours} h x {floor}/h pay floor)",
            )


def _check_dates(terms: Terms, now: datetime, bad: Bad) -> None:
    deadline, due = terms.application_deadline, terms.due_date
    if deadline is None:
        bad("application_deadline", "is required")
    elif deadline <= now:
        bad("application_deadline", "must be in the future")
    if due is None:
        bad("due_date", "is required")
    elif deadline is not None and due <= deadline:
        bad("due_date", "must be after the application deadline")
    decide = terms.decision_deadline
    if decide is None or deadline is None:
        return
    if decide <= deadline:
        bad("decision_deadline", "must be after the application deadline")
    elif decide > deadline + MAX_DECISION_WINDOW:
        bad(
            "decision_deadline",
            f"must be at most {MAX_DECISION_WINDOW.days} days after the application deadline",
        )
    elif due is not None and decide >= due:
        bad("decision_deadline", "must be before the due date")


def _check_criteria(criteria: tuple[str, ...], bad: Bad) -> None:
    if len(criteria) > MAX_CRITERIA:
        bad("acceptance_criteria", f"at most {MAX_CRITERIA} items")
    for i, item in enumerate(criteria):
        if not item.strip() or len(item) > MAX_CRITERION:
            bad(f"acceptance_criteria[{i}]", f"must be 1 to {MAX_CRITERION} characters")


def _check_milestones(terms: Terms, bad: Bad) -> None:
    """At most 10, titled, each due within the work window: a whole number of days after the
    work starts and before the due date (the work starts at the latest at the application
    deadline, so the window is due date - deadline)."""
    if len(terms.milestones) > MAX_MILESTONES:
        bad("milestones", f"at most {MAX_MILESTONES} milestones")
    deadline, due = terms.application_deadline, terms.due_date
    window = (due - deadline).days if deadline and due and due > deadline else None
    for i, m in enumerate(terms.milestones[:MAX_MILESTONES]):
        if not 1 <= len(m.title) <= MAX_MILESTONE_TITLE:
            bad(f"milestones[{i}].title", f"must be 1 to {MAX_MILESTONE_TITLE} characters")
        if len(m.deliverable) > MAX_DELIVERABLE:
            bad(f"milestones[{i}].deliverable", f"at most {MAX_DELIVERABLE} characters")
        if m.due_offset_days < 1:
            bad(f"milestones[{i}].due_offset_days", "must be at least 1 day")
        elif window is not None and m.due_offset_days >= max(window, 1):
            bad(
                f"milestones[{i}].due_offset_days",
                f"must be before the due date: under {window} days after the work starts",
            )


def _check_visibility(terms: Terms, bad: Bad) -> None:
    ids = terms.university_ids
    if terms.visibility is None:
        bad("visibility", "is required")
    elif terms.visibility is Visibility.PUBLIC and ids:
        bad("university_ids", "must be empty for a public posting")
    elif terms.visibility is Visibility.UNIVERSITIES and not 1 <= len(ids) <= MAX_UNIVERSITIES:
        bad("university_ids", f"must list 1 to {MAX_UNIVERSITIES} universities")
    if len(set(ids)) != len(ids):
        bad("university_ids", "must not repeat a university")
    for i, uid in enumerate(ids):
        if not uid or len(uid) > MAX_ID or not uid.isprintable():
            bad(f"university_ids[{i}]", f"must be a university id of 1 to {MAX_ID} characters")


def check_reason(reason: str, *, required: bool) -> None:
    if required and not reason.strip():
        raise InvalidArgument.of("reason", "is required")
    if len(reason) > MAX_REASON:
        raise InvalidArgument.of("reason", f"must be at most {MAX_REASON} characters")


MAX_FILTER_SKILLS = 15
MAX_WORDS = 10
MAX_WORD = 50


def checked_query(query: ListQuery) -> PageRequest:
    """The page `query` asks for (the kit's one paging rule: 0 -> the default size, above the
    maximum or negative refused), or InvalidArgument listing every bad filter and page field."""
    problems: list[FieldViolation] = []
    page = PageRequest()
    try:
        page = page_request(query.page_size, query.page_token)
    except InvalidArgument as exc:
        problems += exc.violations
    if len(query.skills) > MAX_FILTER_SKILLS:
        problems.append(FieldViolation("skills", f"at most {MAX_FILTER_SKILLS} skills"))
    if len(query.words) > MAX_WORDS or any(len(w) > MAX_WORD for w in query.words):
        problems.append(
            FieldViolation("query", f"at most {MAX_WORDS} words of {MAX_WORD} characters")
        )
    if query.hours_min < 0 or query.hours_max < 0:
        problems.append(FieldViolation("hours_min", "hours must not be negative"))
    elif query.hours_max and query.hours_min > query.hours_max:
        problems.append(FieldViolation("hours_max", "must not be below hours_min"))
    low, high = query.fee_min, query.fee_max
    if low and high and low.currency != high.currency:
        problems.append(FieldViolation("fee_max.currency", "must be the currency of fee_min"))
    for name, fee in (("fee_min", low), ("fee_max", high)):
        if fee is not None and (fee.amount_minor < 0 or len(fee.currency) != 3):
            problems.append(FieldViolation(name, "needs an amount >= 0 and a 3-letter currency"))
    if problems:
        raise InvalidArgument("bad list request", problems)
    return page
