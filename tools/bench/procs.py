"""CPU seconds and memory of processes, read from /proc (Linux), sampled periodically."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Reading:
    cpu_seconds: float  # user + system since the process started
    rss_kib: int
    hwm_kib: int  # the kernel's own peak resident set size


def parse_stat_cpu(stat: str) -> float:
    """utime + stime (fields 14 and 15) of /proc/<pid>/stat, in seconds. The command name
    (field 2) may contain spaces and parentheses, so fields are counted after the last ')'."""
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def parse_status_kib(status: str, key: str) -> int:
    for line in status.splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


def parse_machine_busy(proc_stat: str) -> float:
    """CPU seconds the whole machine spent not idle, from the `cpu` line of /proc/stat
    (user nice system idle iowait irq softirq steal …; idle and iowait are not busy)."""
    ticks = [int(v) for v in proc_stat.splitlines()[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICKS


def machine_busy() -> float:
    return parse_machine_busy(Path("/proc/stat").read_text())


def read(pid: int) -> Reading | None:
    """None when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return Reading(
        parse_stat_cpu(stat), parse_status_kib(status, "VmRSS"), parse_status_kib(status, "VmHWM")
    )


@dataclass
class Sampler:
    """Samples every process in `pids` every `interval` seconds until stopped."""

    pids: dict[str, int]
    interval: float = 0.5
    peak_rss_kib: dict[str, int] = field(default_factory=dict)
    last: dict[str, Reading] = field(default_factory=dict)

    def sample(self) -> dict[str, Reading]:
        now: dict[str, Reading] = {}
        for name, pid in self.pids.items():
            reading = read(pid)
            if reading is not None:
                now[name] = reading
                self.peak_rss_kib[name] = max(self.peak_rss_kib.get(name, 0), reading.rss_kib)
        self.last.update(now)
        return now

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)
