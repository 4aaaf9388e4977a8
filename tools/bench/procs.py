"""CPU seconds and memory of process trees, read from /proc (Linux), sampled periodically.

A platform process is measured with its whole tree: PostgreSQL is a postmaster plus one backend
per connection, and backends come and go. A tree's CPU is the root's and every live
descendant's own time (utime + stime) plus their cutime + cstime, which the kernel adds to a
parent when it reaps an exited child; so a backend that exited between two samples still
counts, once, as part of its parent. The parsing and the tree sums are pure.
"""

from __future__ import annotations

import asyncio
import os
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass(frozen=True)
class Stat:
    """The fields of one /proc/<pid>/stat line that the bench uses."""

    pid: int
    ppid: int
    cpu_seconds: float  # utime + stime: this process's own threads
    reaped_seconds: float  # cutime + cstime: children it has waited for (and theirs)
    rss_kib: int


@dataclass(frozen=True)
class Reading:
    cpu_seconds: float  # the tree's user + system time since the root started
    rss_kib: int  # summed over the tree's live processes (shared pages count per process)
    hwm_kib: int  # the root's VmHWM: the kernel's own peak resident set size
    processes: int = 1  # live processes in the tree at this sample


def parse_stat(stat: str) -> Stat:
    """Fields of /proc/<pid>/stat. The command name (field 2) may contain spaces and
    parentheses, so fields are counted after the last ')': there, index 1 is the ppid (field 4),
    11..14 utime stime cutime cstime (fields 14..17) and 21 the RSS in pages (field 24)."""
    pid = int(stat[: stat.index(" ")])
    fields = stat[stat.rindex(")") + 2 :].split()
    ticks = [int(v) for v in fields[11:15]]
    return Stat(
        pid,
        int(fields[1]),
        (ticks[0] + ticks[1]) / TICKS,
        (ticks[2] + ticks[3]) / TICKS,
        int(fields[21]) * PAGE_KIB,
    )


def parse_stat_cpu(stat: str) -> float:
    """utime + stime of one /proc/<pid>/stat, in seconds."""
    return parse_stat(stat).cpu_seconds


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


def parse_pid_file(text: str) -> int | None:
    """The pid on the first line (PostgreSQL's postmaster.pid has more lines after it)."""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    return int(first) if first.isdigit() else None


def tree_readings(
    roots: Mapping[str, int], stats: Mapping[int, Stat], solo: Collection[str] = ()
) -> dict[str, tuple[float, int, int]]:
    """(CPU seconds, RSS KiB, live processes) of each root's tree; roots whose process is gone
    are left out. A descendant that is itself a root belongs to its own tree only (no double
    count); names in `solo` are measured without their descendants."""
    children: dict[int, list[int]] = defaultdict(list)
    for s in stats.values():
        if s.ppid != s.pid:
            children[s.ppid].append(s.pid)
    other_roots = set(roots.values())
    found: dict[str, tuple[float, int, int]] = {}
    for name, root in roots.items():
        if root not in stats:
            continue
        cpu, rss, count, todo, seen = 0.0, 0, 0, [root], {root}
        while todo:
            s = stats[todo.pop()]
            cpu += s.cpu_seconds + s.reaped_seconds
            rss += s.rss_kib
            count += 1
            if name in solo:
                continue
            for child in children.get(s.pid, ()):
                if child not in seen and child not in other_roots:
                    seen.add(child)
                    todo.append(child)
        found[name] = (cpu, rss, count)
    return found


def read_stats() -> dict[int, Stat]:
    """Every process's stat line now; processes that exit while being read are skipped."""
    found: dict[int, Stat] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                found[int(entry.name)] = parse_stat(Path(entry.path, "stat").read_text())
            except (OSError, ValueError, IndexError):
                continue
    return found


def machine_busy() -> float:
    return parse_machine_busy(Path("/proc/stat").read_text())


def _hwm_kib(pid: int) -> int:
    try:
        return parse_status_kib(Path(f"/proc/{pid}/status").read_text(), "VmHWM")
    except OSError:
        return 0


@dataclass
class Sampler:
    """Samples every process tree in `pids` every `interval` seconds until stopped."""

    pids: dict[str, int]
    solo: frozenset[str] = frozenset()  # measured without descendants (the bench itself)
    interval: float = 0.5
    peak_rss_kib: dict[str, int] = field(default_factory=dict)
    peak_processes: dict[str, int] = field(default_factory=dict)
    last: dict[str, Reading] = field(default_factory=dict)

    def sample(self) -> dict[str, Reading]:
        now: dict[str, Reading] = {}
        for name, (cpu, rss, count) in tree_readings(self.pids, read_stats(), self.solo).items():
            now[name] = Reading(cpu, rss, _hwm_kib(self.pids[name]), count)
            self.peak_rss_kib[name] = max(self.peak_rss_kib.get(name, 0), rss)
            self.peak_processes[name] = max(self.peak_processes.get(name, 0), count)
        self.last.update(now)
        return now

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)
