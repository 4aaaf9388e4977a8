"""From what was measured (levels, windows, samples) to the figures of the result. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from tools.bench.load import LevelResult
from tools.bench.measure import BENCH, Window
from tools.bench.procs import Reading
from tools.bench.report import (
    ALL_REQUESTS,
    PAID,
    WEBHOOK,
    HistoryFigures,
    IdleFigures,
    LevelFigures,
    ProcessFigures,
    Result,
)
from tools.bench.stats import Samples, Summary

MIB = 1024


def per(value: float | None, n: int) -> float | None:
    return None if value is None or n <= 0 else value / n


def endpoints(samples: Samples) -> dict[str, Summary]:
    found = samples.summaries()
    everything = Summary.of_seconds(samples.everything())
    if everything is not None:
        found[ALL_REQUESTS] = everything
    return found


def level_figures(level: LevelResult, w: Window | None, label: str = "") -> LevelFigures:
    paid = [t.approve_to_paid for t in level.timings]
    hooks = [t.approve_to_webhook for t in level.timings if t.approve_to_webhook is not None]
    delays = {PAID: Summary.of_seconds(paid), WEBHOOK: Summary.of_seconds(hooks)}
    n = level.completed
    requests = len(level.samples.everything())
    return LevelFigures(
        level.concurrency,
        n,
        level.failed,
        level.wall_seconds,
        level.per_second,
        {k: v for k, v in delays.items() if v is not None},
        endpoints(level.samples),
        label,
        cpu_per_lifecycle=per(w.platform_cpu_seconds, n) if w else None,
        cpu_per_lifecycle_by_process={
            name: cpu / n for name, cpu in (w.cpu_seconds.items() if w and n else ())
        },
        db_requests_per_lifecycle=per(w.db_requests, n) if w else None,
        db_commands_per_lifecycle={k: v / n for k, v in (w.db_commands.items() if w and n else ())},
        db_calls_per_lifecycle={k: v / n for k, v in (w.db_calls.items() if w and n else ())},
        bench_requests_per_lifecycle=per(requests, n),
        webhooks_per_lifecycle=per(level.webhooks, n),
        other_cores=w.other_cores if w else 0.0,
        machine_busy=w.busy if w else False,
        window=w,
    )


def idle_figures(label: str, w: Window) -> IdleFigures:
    share = 100 / w.seconds if w.seconds else 0.0
    return IdleFigures(
        label,
        w.seconds,
        None if w.db_requests is None else w.db_requests * share / 100,
        {k: v * share / 100 for k, v in w.db_commands.items()},
        {name: cpu * share for name, cpu in w.cpu_seconds.items()},
        w.db_cpu_seconds * share,
        w.platform_cpu_seconds * share,
        w.other_cores,
        w.busy,
    )


def add_levels(levels: list[LevelResult], windows: list[Window | None], result: Result) -> None:
    """The levels' figures, and the end-to-end delays and errors over all of them."""
    errors: Counter[str] = Counter()
    paid_all: list[float] = []
    hook_all: list[float] = []
    for level, w in zip(levels, windows, strict=True):
        figures = level_figures(level, w)
        result.levels.append(figures)
        hooked = figures.delays[WEBHOOK].n if WEBHOOK in figures.delays else 0
        missing = len(level.timings) - hooked
        if missing:
            errors[f"webhook not received in time after the approval (c={level.concurrency})"] += (
                missing
            )
        paid_all += [t.approve_to_paid for t in level.timings]
        hook_all += [
            t.approve_to_webhook for t in level.timings if t.approve_to_webhook is not None
        ]
        errors.update(level.errors)
    for name, series in ((PAID, paid_all), (WEBHOOK, hook_all)):
        summary = Summary.of_seconds(series)
        if summary is not None:
            result.delays[name] = summary
    result.errors |= dict(errors)


def processes(
    load: Window,
    idle: Window | None,
    peaks: Mapping[str, int],
    last: Mapping[str, Reading],
    peak_processes: Mapping[str, int],
) -> dict[str, ProcessFigures]:
    """Each process over the whole load phase, with its idle share after the start."""
    found: dict[str, ProcessFigures] = {}
    order = sorted(load.cpu_seconds, key=lambda name: (name == BENCH, name))  # the bench last
    for name in order:
        cpu = load.cpu_seconds[name]
        idle_cpu = idle.cpu_seconds.get(name, 0.0) if idle else 0.0
        found[name] = ProcessFigures(
            cpu,
            100 * cpu / load.seconds if load.seconds else 0.0,
            100 * idle_cpu / idle.seconds if idle and idle.seconds else 0.0,
            peaks.get(name, 0) / MIB,
            last[name].hwm_kib / MIB if name in last else 0.0,
            peak_processes.get(name, 1),
        )
    return found


def _ratio(mine: float | None, base: float | None) -> float | None:
    return None if mine is None or base is None or base <= 0 else mine / base


def history_figures(
    seeded: LevelResult,
    requested: int,
    empty: LevelFigures,
    full: LevelFigures,
    idle_empty: IdleFigures | None,
    idle_full: IdleFigures | None,
) -> HistoryFigures:
    """With history ÷ empty: the same level before and after the history; idle after the
    start (an empty database) and after the history."""
    pairs: dict[str, tuple[float | None, float | None]] = {
        "lifecycles/s": (full.per_second, empty.per_second),
        "CPU s per lifecycle": (full.cpu_per_lifecycle, empty.cpu_per_lifecycle),
        "DB requests per lifecycle": (
            full.db_requests_per_lifecycle,
            empty.db_requests_per_lifecycle,
        ),
    }
    if idle_empty is not None and idle_full is not None:
        pairs |= {
            "idle DB requests/s": (
                idle_full.db_requests_per_second,
                idle_empty.db_requests_per_second,
            ),
            "idle DB CPU": (idle_full.db_cpu_percent, idle_empty.db_cpu_percent),
            "idle CPU, all platform processes": (
                idle_full.platform_cpu_percent,
                idle_empty.platform_cpu_percent,
            ),
        }
    ratios = {k: r for k, (mine, base) in pairs.items() if (r := _ratio(mine, base)) is not None}
    empties = {k: base for k, (_, base) in pairs.items() if k in ratios and base is not None}
    fulls = {k: mine for k, (mine, _) in pairs.items() if k in ratios and mine is not None}
    return HistoryFigures(
        requested,
        seeded.completed,
        seeded.failed,
        seeded.wall_seconds,
        seeded.per_second,
        empty.name,
        ratios,
        empties,
        fulls,
    )
