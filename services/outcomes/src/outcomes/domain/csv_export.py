"""The report as CSV: one row per group (totals, each category, each company), the same
figures the JSON shows, suppressed cells as "< k", money in minor units with its currency."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from outcomes.domain.report import Report
from outcomes.domain.suppression import ShownFigures

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
HEADER = (
    "university_id",
    "from",
    "to",
    "suppression_k",
    "group",
    "category",
    "company_id",
    "company_name",
    *COUNTS,
    "earnings_currency",
    "earnings_total_minor",
    "earnings_median_minor",
    "rating_average",
)


def _time(when: datetime | None) -> str:
    return when.isoformat().replace("+00:00", "Z") if when else ""


def _figures(f: ShownFigures, k: int) -> list[str]:
    cells = [getattr(f, name).display for name in COUNTS]
    hidden = f"< {k}"
    if f.earnings_suppressed:
        cells += ["", hidden, hidden]
    elif len(f.earnings_by_currency) == 1:
        e = f.earnings_by_currency[0]
        total = e.total.amount_minor if e.total else hidden
        middle = e.median.amount_minor if e.median else hidden
        cells += [e.currency, str(total), str(middle)]
    else:  # several currencies (or none): one amount per currency, ";"-separated
        cells += [
            ";".join(e.currency for e in f.earnings_by_currency),
            ";".join(
                str(e.total.amount_minor) if e.total else hidden for e in f.earnings_by_currency
            ),
            ";".join(
                str(e.median.amount_minor) if e.median else hidden for e in f.earnings_by_currency
            ),
        ]
    cells.append(hidden if f.rating_suppressed else f"{f.rating_average:.2f}")
    return cells


def to_csv(r: Report) -> str:
    """The report as RFC 4180 CSV text with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    head = [r.university_id, _time(r.window.start), _time(r.window.end), str(r.k)]
    writer.writerow([*head, "total", "", "", "", *_figures(r.totals, r.k)])
    for category, figures in r.by_category:
        # The enum's name, as the JSON and the REST API spell it.
        name = f"CATEGORY_{category}"
        writer.writerow([*head, "category", name, "", "", *_figures(figures, r.k)])
    for c in r.by_company:
        row = [*head, "company", "", c.company_id, _safe(c.company_name)]
        writer.writerow([*row, *_figures(c.figures, r.k)])
    return out.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection): a leading =, +, -, @,
    tab or carriage return gets a leading apostrophe."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
