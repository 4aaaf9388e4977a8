"""A measured window: what every platform process, the database and the rest of the machine
did between two snapshots. `snapshot` reads /proc and FerretDB's counter; `window` is pure."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from tools.bench import prom
from tools.bench.procs import Reading, Sampler, machine_busy

BENCH = "bench (load generator)"
DATABASE = ("ferretdb", "postgres")  # FerretDB and the PostgreSQL tree behind it
# Other work on the machine above this share of one core makes a window "busy".
BUSY_CORES = 0.2


@dataclass(frozen=True)
class Snapshot:
    at: float  # perf_counter()
    readings: dict[str, Reading]
    machine_busy: float  # CPU seconds of the whole machine, /proc/stat
    db: dict[str, float] | None  # FerretDB's requests by "opcode/command"; None: no counter
    calls: dict[str, float]  # the services' own counts by "service command collection"


async def snapshot(sampler: Sampler, metrics_url: str, services: list[str]) -> Snapshot:
    db = await prom.fetch(metrics_url)
    calls = await prom.fetch_services(services)
    return Snapshot(time.perf_counter(), sampler.sample(), machine_busy(), db, calls)


@dataclass(frozen=True)
class Window:
    seconds: float
    cpu_seconds: dict[str, float]  # per process tree, the platform's and the bench's
    platform_cpu_seconds: float  # every platform process (not the bench)
    db_cpu_seconds: float  # FerretDB + PostgreSQL
    other_cpu_seconds: float  # the rest of the machine: neither the platform nor the bench
    db_requests: float | None  # FerretDB requests; None: its counter could not be read
    db_commands: dict[str, float]  # the same by "opcode/command", largest first
    db_calls: dict[str, float]  # by "service command collection", largest first

    @property
    def other_cores(self) -> float:
        return self.other_cpu_seconds / self.seconds if self.seconds else 0.0

    @property
    def busy(self) -> bool:
        return self.other_cores > BUSY_CORES


def window(before: Snapshot, after: Snapshot) -> Window:
    cpu = cpu_delta(before.readings, after.readings)
    platform = sum(v for name, v in cpu.items() if name != BENCH)
    db = sum(cpu.get(name, 0.0) for name in DATABASE)
    others = max(0.0, after.machine_busy - before.machine_busy - sum(cpu.values()))
    commands = {} if before.db is None or after.db is None else prom.delta(before.db, after.db)
    requests = None if before.db is None or after.db is None else sum(commands.values())
    calls = prom.delta(before.calls, after.calls)
    return Window(after.at - before.at, cpu, platform, db, others, requests, commands, calls)


def cpu_delta(before: Mapping[str, Reading], after: Mapping[str, Reading]) -> dict[str, float]:
    """CPU seconds per process between two readings; a process missing from either is left
    out (it was not running throughout)."""
    return {n: r.cpu_seconds - before[n].cpu_seconds for n, r in after.items() if n in before}
