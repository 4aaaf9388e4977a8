"""The bench's table and ratios, from a hand-made result (pure; nothing is timed here)."""

from __future__ import annotations

import itertools

import pytest

from tools.bench.api import backoff
from tools.bench.load import Level
from tools.bench.procs import TICKS, parse_machine_busy, parse_stat_cpu, parse_status_kib
from tools.bench.report import (
    GRPC,
    HTTP,
    KAFKA,
    PAID,
    LevelFigures,
    ProcessFigures,
    Result,
    ratios,
)
from tools.bench.stats import Summary
from tools.bench.table import render, rows


def _result() -> Result:
    result = Result("2026-11-25 23:00 UTC", "20261125T230000Z", "2 cores")
    paid = Summary(4, 500.0, 700.0, 800.0, 810.0)
    read = Summary(100, 12.0, 30.0, 48.0, 60.0)
    busy = Summary(10, 99.0, 99.0, 99.0, 99.0)
    result.levels = [
        LevelFigures(4, 8, 1, 10.0, 0.8, {PAID: busy}, {"GET /v1/me/payouts": busy}),
        LevelFigures(1, 3, 0, 6.0, 0.5, {PAID: paid}, {"GET /v1/me/payouts": read}),
    ]
    result.delays = {PAID: busy}
    result.endpoints = {"GET /v1/me/payouts": busy}
    result.statuses = {"GET /v1/me/payouts": {404: 3, 200: 97}}
    result.baselines = {
        KAFKA: Summary(200, 5.0, 8.0, 10.0, 11.0),
        HTTP: Summary(200, 2.0, 3.0, 4.0, 5.0),
        GRPC: Summary(200, 0.0, 0.0, 0.0, 0.0),  # a degenerate baseline gives no ratio
    }
    result.processes = {
        "gateway": ProcessFigures(3.25, 32.5, 4.0, 101.4, 102.0),
        "postgres": ProcessFigures(1.0, 10.0, 0.0, 300.0, 30.0, peak_processes=9),
    }
    result.other_cpu_seconds, result.load_seconds = 5.0, 10.0
    result.ratios = ratios(result)
    return result


def test_ratios_divide_the_unloaded_platform_figure_by_the_bare_one() -> None:
    found = {r.what: (r.p50, r.p99) for r in ratios(_result())}
    assert found == {
        "GET /v1/me/payouts vs bare HTTP hello @ 1": (6.0, 12.0),
        "approve → paid vs one bare Kafka hop @ 1": (100.0, 80.0),
    }


def test_the_table_has_one_row_per_figure_with_aligned_columns() -> None:
    text = render(_result())
    lines = text.splitlines()
    assert lines[0].startswith("Stint bench 2026-11-25 23:00 UTC on 2 cores")
    table = [line for line in lines if line.startswith("|")]
    assert len({len(line) for line in table}) == 1  # every row as wide as the header
    assert table[1].startswith("|---")
    assert "--:|" in table[1]  # numbers right-aligned
    assert len(table) == 2 + len(rows(_result()))
    assert "0.80 lifecycles/s (8 done, 1 failed, 10.0 s)" in text
    assert "p50 x6.0, p99 x12.0" in text
    assert "97x 200, 3x 404" in text  # retries while a projection catches up are visible
    assert "3.2 CPU s (32% of a core; idle 4%), peak RSS 101 MiB (HWM 102)" in text
    assert "peak RSS 300 MiB in up to 9 processes (HWM 30)" in text  # a tree: RSS summed
    assert "| everything else on the machine" in text
    assert "5.0 CPU s (50% of a core)" in text
    throughput = [r[:3] for r in rows(_result()) if r[0] == "throughput"]
    assert throughput == [
        ("throughput", "concurrency 4", "8"),
        ("throughput", "concurrency 1", "3"),
        ("throughput", "4 ÷ 1", ""),  # the highest concurrency's lifecycles/s ÷ the lowest's
    ]
    assert "x1.60" in text


def test_levels_parse_and_refuse_nonsense() -> None:
    assert Level.parse("4:12", 90) == Level(4, 12, 90)
    assert Level.parse("3", 90) == Level(3, 3, 90)
    with pytest.raises(ValueError, match="bad level"):
        Level.parse("8:2", 90)


def test_proc_fields_are_read_after_the_command_name() -> None:
    # A command name with spaces and parentheses must not shift the fields.
    rest = " ".join(["S"] + ["0"] * 10 + ["250", "50"] + ["0"] * 30)
    assert parse_stat_cpu(f"1234 (python (x) y) {rest}") == pytest.approx(300 / TICKS)
    assert parse_status_kib("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n", "VmRSS") == 1024
    assert parse_status_kib("Name:\tx\n", "VmHWM") == 0
    # user nice system idle iowait irq softirq steal: idle and iowait are not busy
    machine = "cpu  100 10 50 9000 40 5 5 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
    assert parse_machine_busy(machine) == pytest.approx(170 / TICKS)


def test_polling_backs_off_up_to_a_cap() -> None:
    waits = list(itertools.islice(backoff(0.05, 2, 0.4), 6))
    assert waits == [0.05, 0.1, 0.2, 0.4, 0.4, 0.4]
