"""From measured windows and levels to the headline figures, and the table's order (pure)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tools.bench.figures import history_figures, idle_figures, level_figures
from tools.bench.lifecycle import Timings
from tools.bench.load import LevelResult
from tools.bench.measure import BENCH, Snapshot, window
from tools.bench.procs import Reading
from tools.bench.report import PAID, Result
from tools.bench.run import _warnings
from tools.bench.stats import Samples
from tools.bench.table import headline, render
from tools.bench.webhooks import key_of


def _snap(at: float, cpu: dict[str, float], busy: float, db: dict[str, float] | None) -> Snapshot:
    return Snapshot(at, {n: Reading(c, 0, 0) for n, c in cpu.items()}, busy, db, {})


BEFORE = _snap(
    0.0,
    {"gateway": 1.0, "ferretdb": 2.0, "postgres": 1.0, BENCH: 0.5},
    100.0,
    {"OP_MSG/find": 10.0, "OP_MSG/insert": 5.0},
)
AFTER = _snap(
    10.0,
    {"gateway": 3.0, "ferretdb": 6.0, "postgres": 3.0, BENCH: 1.5, "late": 1.0},
    114.0,
    {"OP_MSG/find": 410.0, "OP_MSG/insert": 55.0, "OP_MSG/update": 100.0},
)


def test_a_window_splits_platform_database_bench_and_the_rest_of_the_machine() -> None:
    w = window(BEFORE, AFTER)
    assert w.seconds == 10.0
    assert w.cpu_seconds == {"gateway": 2.0, "ferretdb": 4.0, "postgres": 2.0, BENCH: 1.0}
    assert (w.platform_cpu_seconds, w.db_cpu_seconds) == (8.0, 6.0)
    assert w.other_cpu_seconds == pytest.approx(5.0)  # 14 busy - 9 ours
    assert w.busy  # 0.5 of a core
    assert w.db_requests == 550.0
    assert list(w.db_commands) == ["OP_MSG/find", "OP_MSG/update", "OP_MSG/insert"]
    assert window(BEFORE, dataclasses.replace(AFTER, db=None)).db_requests is None


def _level(completed: int) -> LevelResult:
    samples = Samples()
    for _ in range(3 * completed):
        samples.add("GET /v1/me/payouts", 0.01, 200)
    result = LevelResult(4, completed, 8.0, samples=samples, webhooks=4 * completed)
    result.timings = [Timings(0.5, 0.3), Timings(0.7, None)][:completed]
    return result


def test_per_lifecycle_figures_divide_the_window_by_completed_lifecycles() -> None:
    figures = level_figures(_level(2), window(BEFORE, AFTER))
    assert figures.cpu_per_lifecycle == 4.0
    assert figures.cpu_per_lifecycle_by_process["ferretdb"] == 2.0
    assert figures.db_requests_per_lifecycle == 275.0
    assert figures.db_commands_per_lifecycle["OP_MSG/find"] == 200.0
    assert (figures.bench_requests_per_lifecycle, figures.webhooks_per_lifecycle) == (3.0, 4.0)
    assert figures.machine_busy
    assert figures.delays[PAID].n == 2
    nothing = level_figures(_level(0), window(BEFORE, AFTER))
    assert nothing.cpu_per_lifecycle is None
    assert nothing.db_requests_per_lifecycle is None


def test_idle_figures_are_rates_and_shares_of_one_core() -> None:
    idle = idle_figures("after start", window(BEFORE, AFTER))
    assert idle.db_requests_per_second == 55.0
    assert idle.db_commands_per_second["OP_MSG/find"] == 40.0
    assert (idle.db_cpu_percent, idle.platform_cpu_percent) == (60.0, 80.0)
    assert idle.cpu_percent[BENCH] == 10.0


def _result() -> Result:
    result = Result("2026-11-26 10:00 UTC", "20261126T100000Z", "2 cores")
    empty = level_figures(_level(2), window(BEFORE, AFTER))
    result.levels = [
        dataclasses.replace(empty, concurrency=1, per_second=0.5),
        dataclasses.replace(empty, per_second=1.0),
        dataclasses.replace(empty, concurrency=16, per_second=2.0),
    ]
    heavier = _snap(10.0, {"ferretdb": 12.0, "postgres": 3.0, BENCH: 1.5}, 114.0, AFTER.db)
    full = level_figures(_level(2), window(BEFORE, heavier), "concurrency 4, with history")
    result.history_level = full
    idle_empty = idle_figures("after start", window(BEFORE, AFTER))
    idle_full = idle_figures("with history", window(BEFORE, heavier))
    result.idle = [idle_empty, idle_full]
    seeded = LevelResult(32, 2000, 400.0)
    result.history = history_figures(seeded, 2000, result.levels[1], full, idle_empty, idle_full)
    return result


def test_history_ratios_compare_the_same_level_and_idle_with_and_without_history() -> None:
    ratios = _result().history.ratios  # type: ignore[union-attr]
    assert ratios["CPU s per lifecycle"] == pytest.approx(12 / 8)  # ferretdb 10 + postgres 2
    assert ratios["DB requests per lifecycle"] == 1.0
    assert ratios["idle DB CPU"] == pytest.approx(12 / 6)
    assert ratios["lifecycles/s"] == pytest.approx(0.25 / 1.0)  # 2 in 8 s vs 1.0/s
    history = _result().history
    assert history is not None
    assert (history.empty["CPU s per lifecycle"], history.with_history["CPU s per lifecycle"]) == (
        4.0,
        6.0,
    )
    assert "| x1.50 (4 → 6) " in render(_result())
    assert "| x2.00 (60 → 120% of a core) " in render(_result())


def test_the_headline_comes_first_in_its_order_and_everything_serialises() -> None:
    result = _result()
    items = [(r[0], r[1]) for r in headline(result)]
    sections = [s for s, _ in items]
    assert sections == sorted(
        sections, key=["throughput", "cost", "idle", "history", "end to end"].index
    )
    assert ("throughput", "16 ÷ 1") in items
    assert ("cost", "CPU s per lifecycle @ 4, with history") in items
    assert ("history", "seeded through the REST API") in items
    assert ("history", "DB requests per lifecycle: with ÷ empty") in items
    text = render(result)
    assert text.index("16 ÷ 1") < text.index("| load generator")
    assert "x4.00" in text  # 2.0/s at 16 ÷ 0.5/s at 1
    assert (
        "DB 55.0 req/s; FerretDB+PostgreSQL 60.0% of a core; all platform processes 80.0%" in text
    )
    assert (
        "| 200.00 / 200.00 / 200.00 / 200.00 per lifecycle @ 1 / 4 / 16 / 4, with history" in text
    )
    assert "4.00 CPU s (ferretdb 2.00, gateway 1.00, postgres 1.00) " in text  # not the bench
    document = json.loads(json.dumps(dataclasses.asdict(result)))
    assert document["levels"][0]["window"]["db_commands"]["OP_MSG/find"] == 400.0
    assert document["history"]["ratios"]["DB requests per lifecycle"] == 1.0


def test_a_busy_machine_is_named_in_a_warning_per_window() -> None:
    warnings = _warnings(_result())
    # 0.5 cores of other work in the three levels and the first idle window, 0.1 in the others
    assert len(warnings) == 4
    assert warnings[0].startswith("the rest of the machine was busy during concurrency 1: 50%")
    assert warnings[-1].startswith("the rest of the machine was busy during idle after start")


def test_webhooks_are_keyed_by_what_the_lifecycle_waits_for() -> None:
    def hook(kind: str, data: dict[str, object]) -> dict[str, object]:
        return {"type": kind, "timestamp": "2026-11-26T10:00:00Z", "data": data}

    assert key_of(hook("posting.published", {"posting": {"id": "pst_1"}})) == (
        "posting.published",
        "pst_1",
    )
    started = hook("engagement.started", {"engagement": {"id": "eng_1", "application_id": "app_1"}})
    assert key_of(started) == ("engagement.started", "app_1")
    paid = hook("payout.paid", {"payout": {"engagement_id": "eng_1"}})  # snake_case works too
    assert key_of(paid) == ("payout.paid", "eng_1")
    assert key_of(hook("candidate.hired", {"application": {"id": "app_1"}})) is None
    assert key_of(hook("payout.paid", {"payout": {}})) is None
    assert key_of({"type": "payout.paid", "data": []}) is None
