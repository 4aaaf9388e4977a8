"""What callers ask of the postings context, as plain data (built by adapters/wire.py)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields, replace

from postings.domain.skills import normalize_skills
from postings.domain.values import Category, Status, Terms
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.money import Money

# Names of `Terms` fields, which are also the PostingInput field names an update mask uses.
EDITABLE_FIELDS = tuple(f.name for f in fields(Terms))


@dataclass(frozen=True)
class CreatePosting:
    company_id: str
    terms: Terms


@dataclass(frozen=True)
class UpdatePosting:
    posting_id: str
    terms: Terms
    mask: tuple[str, ...]
    expected_version: int = 0


class Order(enum.Enum):
    NEWEST = "NEWEST"
    DEADLINE = "DEADLINE"


@dataclass(frozen=True)
class ListQuery:
    """Filters and order of a list, and the page asked for as the caller wrote it (checked by
    `validation.checked_query` with the kit's paging rule)."""

    statuses: tuple[Status, ...] = ()
    categories: tuple[Category, ...] = ()
    skills: tuple[str, ...] = ()
    match_all_skills: bool = False
    company_id: str = ""
    fee_min: Money | None = None
    fee_max: Money | None = None
    hours_min: int = 0
    hours_max: int = 0
    words: tuple[str, ...] = ()
    order: Order = Order.NEWEST
    page_size: int = 0
    page_token: str = ""


def normalized(terms: Terms) -> Terms:
    """The stored form: skill slugs, trimmed title and criteria."""
    return replace(
        terms,
        title=terms.title.strip(),
        skills=normalize_skills(terms.skills),
        acceptance_criteria=tuple(c.strip() for c in terms.acceptance_criteria),
    )


def merge(current: Terms, incoming: Terms, mask: tuple[str, ...]) -> Terms:
    """`current` with the masked fields taken from `incoming`."""
    unknown = [name for name in mask if name not in EDITABLE_FIELDS]
    if unknown or not mask:
        violations = [FieldViolation("update_mask", f"unknown field {name!r}") for name in unknown]
        raise InvalidArgument(
            "bad update mask",
            violations or [FieldViolation("update_mask", "must name at least one field")],
        )
    return replace(current, **{name: getattr(incoming, name) for name in mask})


def changed_fields(before: Terms, after: Terms) -> tuple[str, ...]:
    """Posting field names whose value differs (university_ids is reported as universities)."""
    names = [n for n in EDITABLE_FIELDS if getattr(before, n) != getattr(after, n)]
    return tuple("universities" if n == "university_ids" else n for n in names)
