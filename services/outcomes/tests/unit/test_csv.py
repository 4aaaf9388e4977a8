"""The CSV export: one row per group, suppressed cells, formula-safe names."""

from __future__ import annotations

import csv
import io

from outcomes.domain.csv_export import HEADER, to_csv
from outcomes.domain.facts import Facts
from outcomes.domain.report import report
from outcomes.domain.window import Window

from .builders import UNI, day, hire


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_rows_for_totals_categories_and_companies_with_suppressed_cells() -> None:
    hires = [hire(f"s{i}", "co_a", paid=100 * i, rating=5) for i in range(1, 4)]
    hires.append(hire("s9", "co_b", category="SALES", paid=50))
    r = report(UNI, Facts(engagements=hires), Window(day(0), day(60)), 3, day(61), 10)
    out = rows(to_csv(r))
    assert [row["group"] for row in out] == ["total", "category", "category", "company", "company"]
    assert [row["category"] for row in out[1:3]] == ["CATEGORY_DESIGN", "CATEGORY_SALES"]
    total = out[0]
    assert (total["from"], total["to"]) == ("2026-01-01T00:00:00Z", "2026-03-02T00:00:00Z")
    assert total["students_hired"] == "4"
    assert (total["earnings_currency"], total["earnings_total_minor"]) == ("USD", "650")
    assert total["earnings_median_minor"] == "100"  # 50, 100, 200, 300: the lower middle
    small = out[-1]
    assert small["company_id"] == "co_b"
    assert small["students_hired"] == "< 3"
    assert small["earnings_total_minor"] == "< 3"
    assert small["rating_average"] == "< 3"


def test_header_matches_every_row_and_names_cannot_run_as_formulas() -> None:
    hires = [hire(f"s{i}", "co_a", company_name="=HYPERLINK(1)") for i in range(3)]
    r = report(UNI, Facts(engagements=hires), Window(), 2, day(1), 10)
    text = to_csv(r)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == list(HEADER)
    assert all(len(row) == len(HEADER) for row in parsed)
    assert parsed[-1][HEADER.index("company_name")] == "'=HYPERLINK(1)"
