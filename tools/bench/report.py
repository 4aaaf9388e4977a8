"""The result of a run, its ratios to the baselines, and the one table. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.bench.stats import Summary

# Keys of Result.baselines and Result.delays.
KAFKA, GRPC, HTTP, MONGO = (
    "aiokafka produce→consume",
    "grpc.aio echo",
    "FastAPI/uvicorn hello (httpx)",
    "PyMongo insert+find (FerretDB)",
)
PAID, WEBHOOK = "approve → payout paid", "approve → webhook received"
ALL_REQUESTS = "all requests"


@dataclass(frozen=True)
class LevelFigures:
    concurrency: int
    completed: int
    failed: int
    wall_seconds: float
    per_second: float
    delays: dict[str, Summary]  # PAID / WEBHOOK at this level
    endpoints: dict[str, Summary] = field(default_factory=dict)  # HTTP at this level


@dataclass(frozen=True)
class ProcessFigures:
    cpu_seconds: float  # user + system during the load phase
    cpu_percent: float  # of one core, over the load phase's wall time
    idle_percent: float  # of one core, while the platform was idle before the load
    peak_rss_mib: float  # highest VmRSS sampled during the run
    hwm_mib: float  # VmHWM at the end: the kernel's peak since the process started


@dataclass(frozen=True)
class Ratio:
    what: str
    platform: str
    baseline: str
    p50: float
    p99: float


@dataclass
class Result:
    started_at: str
    stamp: str  # file name of the JSON
    machine: str
    wall_seconds: float = 0.0
    levels: list[LevelFigures] = field(default_factory=list)
    endpoints: dict[str, Summary] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)  # by endpoint
    delays: dict[str, Summary] = field(default_factory=dict)
    baselines: dict[str, Summary] = field(default_factory=dict)
    processes: dict[str, ProcessFigures] = field(default_factory=dict)
    other_cpu_seconds: float = 0.0  # the rest of the machine during the load phase
    load_seconds: float = 0.0  # wall time of the load phase
    errors: dict[str, int] = field(default_factory=dict)
    ratios: list[Ratio] = field(default_factory=list)


# (what, platform series, baseline): the platform's figure over the bare one.
# (what, platform series, baseline): the platform's figure over the bare one. The read is the
# payout poll: gateway (auth, routing) → one gRPC call → one database query, and back.
READ = "GET /v1/me/payouts"
RATIO_PAIRS = (
    (f"{READ} vs bare HTTP hello", READ, HTTP),
    (f"{READ} vs bare gRPC echo", READ, GRPC),
    ("POST /v1/postings vs bare insert+find", "POST /v1/postings", MONGO),
    ("approve → paid vs one bare Kafka hop", PAID, KAFKA),
    ("approve → webhook vs one bare Kafka hop", WEBHOOK, KAFKA),
)


def ratios(result: Result) -> list[Ratio]:
    """At the lowest concurrency (the baselines, too, are one request at a time on a quiet
    platform), and only where both figures exist (a failed baseline leaves its ratios out)."""
    if not result.levels:
        return []
    quietest = min(result.levels, key=lambda level: level.concurrency)
    series = quietest.endpoints | quietest.delays
    found: list[Ratio] = []
    for what, platform, baseline in RATIO_PAIRS:
        mine, bare = series.get(platform), result.baselines.get(baseline)
        if mine is None or bare is None or bare.p50_ms <= 0 or bare.p99_ms <= 0:
            continue
        found.append(
            Ratio(
                f"{what} @ {quietest.concurrency}",
                platform,
                baseline,
                mine.p50_ms / bare.p50_ms,
                mine.p99_ms / bare.p99_ms,
            )
        )
    return found


HEADER = ("section", "item", "n", "p50 ms", "p95 ms", "p99 ms", "figure")


def _latency(section: str, item: str, s: Summary, figure: str = "") -> tuple[str, ...]:
    return (
        section,
        item,
        str(s.n),
        f"{s.p50_ms:.1f}",
        f"{s.p95_ms:.1f}",
        f"{s.p99_ms:.1f}",
        figure,
    )


def rows(result: Result) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for level in result.levels:
        figure = (
            f"{level.per_second:.2f} lifecycles/s ({level.completed} done, "
            f"{level.failed} failed, {level.wall_seconds:.1f} s)"
        )
        out.append(
            (
                "throughput",
                f"concurrency {level.concurrency}",
                str(level.completed),
                "",
                "",
                "",
                figure,
            )
        )
    for name, summary in result.delays.items():
        out.append(_latency("end to end", f"{name} (all levels)", summary))
    for level in result.levels:
        for name, summary in level.delays.items():
            out.append(_latency("end to end", f"{name} @ {level.concurrency}", summary))
    for route, summary in result.endpoints.items():
        counts = result.statuses.get(route, {})
        figure = ", ".join(f"{n}x {status}" for status, n in sorted(counts.items()))
        out.append(_latency("HTTP", route, summary, figure if len(counts) > 1 else ""))
    for name, summary in result.baselines.items():
        out.append(_latency("baseline", name, summary))
    for r in result.ratios:
        out.append(("ratio", r.what, "", "", "", "", f"p50 x{r.p50:.1f}, p99 x{r.p99:.1f}"))
    for name, p in result.processes.items():
        figure = (
            f"{p.cpu_seconds:.1f} CPU s ({p.cpu_percent:.0f}% of a core; "
            f"idle {p.idle_percent:.0f}%), peak RSS {p.peak_rss_mib:.0f} MiB (HWM {p.hwm_mib:.0f})"
        )
        out.append(("process", name, "", "", "", "", figure))
    if result.load_seconds:
        share = 100 * result.other_cpu_seconds / result.load_seconds
        figure = f"{result.other_cpu_seconds:.1f} CPU s ({share:.0f}% of a core)"
        out.append(("process", "everything else on the machine", "", "", "", "", figure))
    return out


def render(result: Result) -> str:
    """A Markdown table (pastes into the README as it is)."""
    table = [HEADER, *rows(result)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    numeric = {2, 3, 4, 5}

    def line(row: tuple[str, ...]) -> str:
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
