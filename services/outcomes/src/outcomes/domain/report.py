"""A university's outcomes report from its facts: totals, by category, by company, and what
its own sponsorships spent; every group suppressed on its own (domain/suppression.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from outcomes.domain.facts import Applied, Approval, EngagementFact, Facts
from outcomes.domain.figures import raw_figures, repeat_hire_ids
from outcomes.domain.suppression import Count, ShownFigures, count, shown
from outcomes.domain.window import Window
from stint.kit.money import Money, checked_int64

UNKNOWN_CATEGORY = "UNSPECIFIED"
# The group a fact of (category, company) belongs to.
Key = Callable[[str, str], str]
_Group = tuple[list[Approval], list[Applied], list[EngagementFact]]


@dataclass(frozen=True)
class CompanyFigures:
    company_id: str
    company_name: str
    figures: ShownFigures


@dataclass(frozen=True)
class Sponsored:
    spent: list[Money]
    engagements: Count


@dataclass(frozen=True)
class Report:
    university_id: str
    window: Window
    k: int
    totals: ShownFigures
    sponsored: Sponsored
    generated_at: datetime
    by_category: list[tuple[str, ShownFigures]] = field(default_factory=list)
    by_company: list[CompanyFigures] = field(default_factory=list)
    companies_omitted: int = 0


def _with_categories(facts: Facts) -> list[Applied]:
    """Applications with their posting's category and company name where they lack them."""
    out = []
    for a in facts.applied:
        info = facts.postings.get(a.posting_id)
        if info is not None:
            a = replace(
                a,
                category=a.category or info.category,
                company_name=a.company_name or info.company_name,
            )
        out.append(a)
    return out


def report(
    university_id: str,
    facts: Facts,
    window: Window,
    k: int,
    now: datetime,
    max_companies: int,
) -> Report:
    """The report of `university_id` over `window` (facts of other universities are ignored)."""
    approvals = [a for a in facts.approvals if a.university_id == university_id]
    applied = [a for a in _with_categories(facts) if a.university_id == university_id]
    engagements = [e for e in facts.engagements if e.university_id == university_id]
    repeats = repeat_hire_ids(engagements)

    def figures(group: _Group) -> ShownFigures:
        return shown(raw_figures(window, *group, repeats), k)

    by_category = _grouped(approvals, applied, engagements, lambda c, _co: c or UNKNOWN_CATEGORY)
    by_company = _grouped(approvals, applied, engagements, lambda _c, co: co)
    active = _active(window, approvals, applied, engagements)
    categories = sorted({c for c, _ in active}, key=_category_order)
    companies = _ranked_companies(active, window, applied, engagements)
    names = _company_names([*approvals, *applied, *engagements])
    listed = companies[:max_companies]
    return Report(
        university_id=university_id,
        window=window,
        k=k,
        totals=figures((approvals, applied, engagements)),
        sponsored=_sponsored(university_id, facts.sponsored, window, k),
        generated_at=now,
        by_category=[(c, figures(by_category[c])) for c in categories],
        by_company=[
            CompanyFigures(co, names.get(co, ""), figures(by_company[co])) for co in listed
        ],
        companies_omitted=len(companies) - len(listed),
    )


def _grouped(
    approvals: list[Approval],
    applied: list[Applied],
    engagements: list[EngagementFact],
    key: Key,
) -> defaultdict[str, _Group]:
    """The facts split into groups by `key(category, company)`, in one pass each."""
    groups: defaultdict[str, _Group] = defaultdict(lambda: ([], [], []))
    for a in approvals:
        groups[key(a.category, a.company_id)][0].append(a)
    for ap in applied:
        groups[key(ap.category, ap.company_id)][1].append(ap)
    for e in engagements:
        groups[key(e.category, e.company_id)][2].append(e)
    return groups


def _active(
    window: Window,
    approvals: list[Approval],
    applied: list[Applied],
    engagements: list[EngagementFact],
) -> set[tuple[str, str]]:
    """(category, company) of every fact with something dated in the window."""
    out = {
        (a.category or UNKNOWN_CATEGORY, a.company_id)
        for a in approvals
        if window.contains(a.approved_at)
    }
    out |= {
        (a.category or UNKNOWN_CATEGORY, a.company_id)
        for a in applied
        if window.contains(a.applied_at)
    }
    for e in engagements:
        dates = [
            e.hired_at,
            e.completed_at,
            e.cancelled_at,
            e.rated_at,
            e.offer_made_at,
            e.offer_accepted_at,
        ]
        dates += [p.paid_at for p in e.payments]
        if any(window.contains(d) for d in dates):
            out.add((e.category or UNKNOWN_CATEGORY, e.company_id))
    return out


def _category_order(category: str) -> tuple[bool, str]:
    return (category == UNKNOWN_CATEGORY, category)


def _ranked_companies(
    active: set[tuple[str, str]],
    window: Window,
    applied: list[Applied],
    engagements: list[EngagementFact],
) -> list[str]:
    """Companies with activity: most distinct students hired, then applied, then by id."""
    hired: dict[str, set[str]] = defaultdict(set)
    applicants: dict[str, set[str]] = defaultdict(set)
    for e in engagements:
        if window.contains(e.hired_at):
            hired[e.company_id].add(e.student_id)
    for a in applied:
        if window.contains(a.applied_at):
            applicants[a.company_id].add(a.student_id)
    companies = {co for _, co in active if co}
    return sorted(companies, key=lambda co: (-len(hired[co]), -len(applicants[co]), co))


def _company_names(facts: list[Approval | Applied | EngagementFact]) -> dict[str, str]:
    names: dict[str, str] = {}
    for f in facts:
        if f.company_name and f.company_id:
            names.setdefault(f.company_id, f.company_name)
    return names


def _sponsored(
    university_id: str, engagements: list[EngagementFact], window: Window, k: int
) -> Sponsored:
    """The university's own sponsorships' shares of work released in the window."""
    spent: dict[str, int] = defaultdict(int)
    covered = 0
    for e in engagements:
        if e.sponsor_university_id != university_id or e.sponsor_share is None:
            continue
        if window.contains(e.sponsored_at):
            spent[e.sponsor_share.currency] += e.sponsor_share.amount_minor
            covered += 1
    money = [
        Money(checked_int64(v, f"{c} sponsored spending"), c) for c, v in sorted(spent.items())
    ]
    return Sponsored(money, count(covered, k))
