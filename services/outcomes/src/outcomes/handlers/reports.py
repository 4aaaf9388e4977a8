"""Reads: a university's outcomes report, as figures or CSV."""

from __future__ import annotations

from datetime import datetime

from outcomes.domain.access import check_may_read
from outcomes.domain.csv_export import to_csv
from outcomes.domain.report import Report, report
from outcomes.domain.window import checked_window
from outcomes.handlers.ports import Deps
from stint.kit.actor import Actor
from stint.kit.errors import InvalidArgument


class ReportHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def outcomes(
        self, university_id: str, start: datetime | None, end: datetime | None, actor: Actor
    ) -> Report:
        """GetUniversityOutcomes: the university's office and admins (another university:
        NOT_FOUND; students and employers: PERMISSION_DENIED); reads only its facts."""
        if not university_id:
            raise InvalidArgument.of("university_id", "required")
        check_may_read(actor, university_id)
        d = self._deps
        window = checked_window(start, end, d.max_range_days)
        facts = await d.stores.reports.facts_for(university_id)
        return report(university_id, facts, window, d.suppression_k, d.clock.now(), d.max_companies)

    async def outcomes_csv(
        self, university_id: str, start: datetime | None, end: datetime | None, actor: Actor
    ) -> tuple[str, str]:
        """ExportUniversityOutcomes: the same report as CSV text, and its file name."""
        r = await self.outcomes(university_id, start, end, actor)
        return to_csv(r), f"outcomes-{_file_safe(university_id)}.csv"


def _file_safe(text: str) -> str:
    # ASCII only: the name travels in an HTTP header (`str.isalnum` is true for "é" too).
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in text)[:64]
