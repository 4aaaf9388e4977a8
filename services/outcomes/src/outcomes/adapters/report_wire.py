"""Reports into `stint.outcomes.v1` messages."""

from __future__ import annotations

from outcomes.domain.report import Report
from outcomes.domain.suppression import Count, ShownFigures
from stint.common.v1.work_pb2 import Category
from stint.kit.wire import enum_number, money_message, timestamp
from stint.outcomes.v1 import outcomes_service_pb2 as api

COUNTS = (
    "postings_approved",
    "students_applied",
    "students_hired",
    "engagements_completed",
    "engagements_cancelled",
    "repeat_hires",
    "offers_made",
    "offers_accepted",
    "earnings_students",
    "ratings",
)


def count_message(c: Count) -> api.Count:
    return api.Count(value=c.value, suppressed=c.suppressed, display=c.display)


def figures_message(f: ShownFigures) -> api.OutcomeFigures:
    m = api.OutcomeFigures(
        earnings_suppressed=f.earnings_suppressed,
        rating_average=f.rating_average,
        rating_suppressed=f.rating_suppressed,
    )
    for name in COUNTS:
        getattr(m, name).CopyFrom(count_message(getattr(f, name)))
    if f.earnings_total is not None and f.earnings_median is not None:
        m.earnings_total.CopyFrom(money_message(f.earnings_total))
        m.earnings_median.CopyFrom(money_message(f.earnings_median))
    for e in f.earnings_by_currency:
        row = m.earnings_by_currency.add(currency=e.currency, suppressed=e.suppressed)
        row.students.CopyFrom(count_message(e.students))
        if e.total is not None and e.median is not None:
            row.total.CopyFrom(money_message(e.total))
            row.median.CopyFrom(money_message(e.median))
    return m


def outcomes_message(r: Report) -> api.UniversityOutcomes:
    m = api.UniversityOutcomes(
        university_id=r.university_id,
        suppression_k=r.k,
        totals=figures_message(r.totals),
        from_time=timestamp(r.window.start),
        to_time=timestamp(r.window.end),
        generated_at=timestamp(r.generated_at),
        companies_omitted=r.companies_omitted,
    )
    for category, figures in r.by_category:
        number = enum_number(Category, category, "CATEGORY_")
        m.by_category.add(category=number, figures=figures_message(figures))
    for c in r.by_company:
        m.by_company.add(
            company_id=c.company_id, company_name=c.company_name, figures=figures_message(c.figures)
        )
    for money in r.sponsored.spent:
        m.sponsored.spent.append(money_message(money))
    m.sponsored.engagements.CopyFrom(count_message(r.sponsored.engagements))
    return m
