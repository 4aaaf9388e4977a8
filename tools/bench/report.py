"""The result of a run and its ratios to the baselines (the table is in table.py). Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.bench.measure import Window
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
    label: str = ""  # "" is "concurrency N"
    # Per completed lifecycle, over the level and a short settle after it (trailing events).
    cpu_per_lifecycle: float | None = None  # CPU s of every platform process together
    cpu_per_lifecycle_by_process: dict[str, float] = field(default_factory=dict)
    db_requests_per_lifecycle: float | None = None  # FerretDB's request counter
    db_commands_per_lifecycle: dict[str, float] = field(default_factory=dict)  # opcode/command
    # The services' own count, by "service command collection": where the requests come from.
    db_calls_per_lifecycle: dict[str, float] = field(default_factory=dict)
    bench_requests_per_lifecycle: float | None = None  # the load generator's own HTTP requests
    webhooks_per_lifecycle: float | None = None  # deliveries the bench received
    other_cores: float = 0.0  # CPU of the rest of the machine, in cores, on average
    machine_busy: bool = False  # other_cores above measure.BUSY_CORES: figures pessimistic
    window: Window | None = None  # the raw measurements

    @property
    def name(self) -> str:
        return self.label or f"concurrency {self.concurrency}"


@dataclass(frozen=True)
class IdleFigures:
    """The platform doing nothing: timers, relays and consumers polling."""

    label: str  # "after start", "after load", "with history"
    seconds: float
    db_requests_per_second: float | None
    db_commands_per_second: dict[str, float]  # by opcode/command, largest first
    cpu_percent: dict[str, float]  # of one core, per process (tree)
    db_cpu_percent: float  # FerretDB + PostgreSQL
    platform_cpu_percent: float  # every platform process
    other_cores: float
    machine_busy: bool


@dataclass(frozen=True)
class HistoryFigures:
    """Lifecycles seeded through the REST API, then a level and an idle window measured again."""

    requested: int
    completed: int
    failed: int
    seconds: float
    per_second: float
    compared_with: str  # the level before the history that the history level repeats
    ratios: dict[str, float] = field(default_factory=dict)  # with history ÷ empty
    empty: dict[str, float] = field(default_factory=dict)  # the figures the ratios divide
    with_history: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ProcessFigures:
    cpu_seconds: float  # user + system during the load phase
    cpu_percent: float  # of one core, over the load phase's wall time
    idle_percent: float  # of one core, while the platform was idle before the load
    peak_rss_mib: float  # highest VmRSS sampled during the run (a tree's: summed, see procs)
    hwm_mib: float  # the (root) process's VmHWM at the end: the kernel's peak since its start
    peak_processes: int = 1  # most live processes sampled in its tree (PostgreSQL: backends)


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
    idle: list[IdleFigures] = field(default_factory=list)
    history: HistoryFigures | None = None
    history_level: LevelFigures | None = None  # the level repeated on top of the history
    warnings: list[str] = field(default_factory=list)

    def throughput_ratio(self) -> tuple[LevelFigures, LevelFigures, float] | None:
        """(lowest, highest concurrency, highest's lifecycles/s ÷ lowest's)."""
        if len(self.levels) < 2:
            return None
        low = min(self.levels, key=lambda level: level.concurrency)
        high = max(self.levels, key=lambda level: level.concurrency)
        if low.per_second <= 0 or low is high:
            return None
        return low, high, high.per_second / low.per_second


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
