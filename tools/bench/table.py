"""The one table: the headline figures first, then the details. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping

from tools.bench.measure import BENCH
from tools.bench.prom import short
from tools.bench.report import PAID, LevelFigures, Result
from tools.bench.stats import Summary

HEADER = ("section", "item", "n", "p50 ms", "p95 ms", "p99 ms", "figure")
TOP_CALLS = 12  # service/command/collection rows shown (the JSON has every one)
TOP_COMMANDS = 10  # database commands shown per lifecycle (the JSON has every one)
TOP_IDLE = 5
Row = tuple[str, ...]
UNITS = {"idle DB CPU": "% of a core", "idle CPU, all platform processes": "% of a core"}


def _row(section: str, item: str, figure: str, n: str = "") -> Row:
    return (section, item, n, "", "", "", figure)


def _latency(section: str, item: str, s: Summary, figure: str = "") -> Row:
    return (
        section,
        item,
        str(s.n),
        f"{s.p50_ms:.1f}",
        f"{s.p95_ms:.1f}",
        f"{s.p99_ms:.1f}",
        figure,
    )


def _top(values: Mapping[str, float], n: int, fmt: str = ".2f") -> str:
    ordered = sorted(values.items(), key=lambda kv: -kv[1])
    shown = ", ".join(f"{short(k)} {v:{fmt}}" for k, v in ordered[:n])
    return shown + (", …" if len(ordered) > n else "")


def _levels(result: Result) -> list[LevelFigures]:
    return result.levels + ([result.history_level] if result.history_level else [])


def _at(level: LevelFigures) -> str:
    return level.name.removeprefix("concurrency ")


def headline(result: Result) -> list[Row]:
    out: list[Row] = []
    for level in _levels(result):
        figure = (
            f"{level.per_second:.2f} lifecycles/s ({level.completed} done, "
            f"{level.failed} failed, {level.wall_seconds:.1f} s)"
        )
        out.append(_row("throughput", level.name, figure, str(level.completed)))
    scaling = result.throughput_ratio()
    if scaling is not None:
        low, high, ratio = scaling
        out.append(_row("throughput", f"{high.concurrency} ÷ {low.concurrency}", f"x{ratio:.2f}"))
    for level in _levels(result):
        if level.cpu_per_lifecycle is not None:
            platform = {k: v for k, v in level.cpu_per_lifecycle_by_process.items() if k != BENCH}
            parts = _top(platform, 4)
            figure = f"{level.cpu_per_lifecycle:.2f} CPU s ({parts})"
            out.append(_row("cost", f"CPU s per lifecycle @ {_at(level)}", figure))
    for level in _levels(result):
        if level.db_requests_per_lifecycle is not None:
            parts = _top(level.db_commands_per_lifecycle, 3, ".1f")
            figure = f"{level.db_requests_per_lifecycle:.1f} ({parts})"
            out.append(_row("cost", f"DB requests per lifecycle @ {_at(level)}", figure))
    for idle in result.idle:
        rate = "?" if idle.db_requests_per_second is None else f"{idle.db_requests_per_second:.1f}"
        figure = (
            f"DB {rate} req/s; FerretDB+PostgreSQL {idle.db_cpu_percent:.1f}% of a core; "
            f"all platform processes {idle.platform_cpu_percent:.1f}%"
        )
        out.append(_row("idle", f"{idle.label} ({idle.seconds:.0f} s)", figure))
    if result.history is not None:
        h = result.history
        seeded = (
            f"{h.completed} lifecycles ({h.failed} failed) in {h.seconds:.0f} s, "
            f"{h.per_second:.2f}/s; then {h.compared_with} again"
        )
        out.append(_row("history", "seeded through the REST API", seeded, str(h.completed)))
        for k, v in h.ratios.items():
            before, after, unit = h.empty.get(k, 0), h.with_history.get(k, 0), UNITS.get(k, "")
            figure = f"x{v:.2f} ({before:.3g} → {after:.3g}{unit})"
            out.append(_row("history", f"{k}: with ÷ empty", figure))
    busiest = max(result.levels, key=lambda level: level.concurrency, default=None)
    if busiest is not None and PAID in busiest.delays:
        out.append(_latency("end to end", f"{PAID} @ {busiest.concurrency}", busiest.delays[PAID]))
    return out


def _database(result: Result) -> list[Row]:
    out: list[Row] = []
    levels = [level for level in _levels(result) if level.db_commands_per_lifecycle]
    names: dict[str, float] = {}
    for level in levels:
        for k, v in level.db_commands_per_lifecycle.items():
            names[k] = max(names.get(k, 0.0), v)
    at = " / ".join(_at(level) for level in levels)
    for name in sorted(names, key=lambda k: -names[k])[:TOP_COMMANDS]:
        values = " / ".join(
            f"{level.db_commands_per_lifecycle.get(name, 0):.2f}" for level in levels
        )
        out.append(_row("database", short(name), f"{values} per lifecycle @ {at}"))
    busiest = max(_levels(result), key=lambda level: level.concurrency, default=None)
    if busiest is not None:
        calls = busiest.db_calls_per_lifecycle
        for name in sorted(calls, key=lambda k: -calls[k])[:TOP_CALLS]:
            out.append(_row("database by caller", name, f"{calls[name]:.2f} per lifecycle"))
    idles = [idle for idle in result.idle if idle.db_commands_per_second]
    rates: dict[str, float] = {}
    for idle in idles:
        for k, v in idle.db_commands_per_second.items():
            rates[k] = max(rates.get(k, 0.0), v)
    labels = " / ".join(idle.label for idle in idles)
    for name in sorted(rates, key=lambda k: -rates[k])[:TOP_IDLE]:
        values = " / ".join(f"{idle.db_commands_per_second.get(name, 0):.2f}" for idle in idles)
        out.append(_row("database idle", short(name), f"{values} req/s {labels}"))
    return out


def details(result: Result) -> list[Row]:
    out: list[Row] = []
    for level in _levels(result):
        if level.bench_requests_per_lifecycle is not None:
            hooks = level.webhooks_per_lifecycle or 0.0
            figure = f"{level.bench_requests_per_lifecycle:.1f} (webhooks received {hooks:.1f})"
            out.append(
                _row("load generator", f"HTTP requests per lifecycle @ {_at(level)}", figure)
            )
    out += _database(result)
    for level in _levels(result):
        warn = " — BUSY: figures pessimistic" if level.machine_busy else ""
        figure = f"{100 * level.other_cores:.0f}% of a core{warn}"
        out.append(_row("machine", f"rest of the machine @ {_at(level)}", figure))
    for name, summary in result.delays.items():
        out.append(_latency("end to end", f"{name} (all levels)", summary))
    for level in _levels(result):
        for name, summary in level.delays.items():
            out.append(_latency("end to end", f"{name} @ {_at(level)}", summary))
    for route, summary in result.endpoints.items():
        counts = result.statuses.get(route, {})
        figure = ", ".join(f"{n}x {status}" for status, n in sorted(counts.items()))
        out.append(_latency("HTTP", route, summary, figure if len(counts) > 1 else ""))
    for name, summary in result.baselines.items():
        out.append(_latency("baseline", name, summary))
    for r in result.ratios:
        out.append(_row("ratio", r.what, f"p50 x{r.p50:.1f}, p99 x{r.p99:.1f}"))
    for name, p in result.processes.items():
        each = " / ".join(
            f"{level.cpu_per_lifecycle_by_process.get(name, 0):.2f}" for level in result.levels
        )
        at = " / ".join(_at(level) for level in result.levels)
        prefix = f"{each} CPU s per lifecycle @ {at}; " if each else ""
        tree = f" in up to {p.peak_processes} processes" if p.peak_processes > 1 else ""
        figure = (
            f"{prefix}{p.cpu_seconds:.1f} CPU s ({p.cpu_percent:.0f}% of a core; "
            f"idle {p.idle_percent:.0f}%), peak RSS {p.peak_rss_mib:.0f} MiB{tree} "
            f"(HWM {p.hwm_mib:.0f})"
        )
        out.append(_row("process", name, figure))
    if result.load_seconds:
        share = 100 * result.other_cpu_seconds / result.load_seconds
        figure = f"{result.other_cpu_seconds:.1f} CPU s ({share:.0f}% of a core)"
        out.append(_row("process", "everything else on the machine", figure))
    return out


def rows(result: Result) -> list[Row]:
    return headline(result) + details(result)


def render(result: Result) -> str:
    """A Markdown table (pastes into the README as it is)."""
    table = [HEADER, *rows(result)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    numeric = {2, 3, 4, 5}

    def line(row: Row) -> str:
        cells = (
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        return "| " + " | ".join(cells) + " |"

    rule = (
        "|"
        + "|".join("-" * (w + 1) + (":" if i in numeric else "-") for i, w in enumerate(widths))
        + "|"
    )
    body = [line(HEADER), rule, *(line(r) for r in table[1:])]
    title = f"Stint bench {result.started_at} on {result.machine}, {result.wall_seconds:.0f} s"
    return "\n".join([title, "", *body])
