"""Process-tree CPU accounting from /proc stat lines (pure, apart from one look at our own)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.bench.procs import PAGE_KIB, TICKS, Stat, parse_pid_file, parse_stat, tree_readings


def _line(pid: int, ppid: int, ticks: tuple[int, int, int, int], rss: int = 0) -> str:
    """A /proc/<pid>/stat line: utime stime cutime cstime are fields 14..17, rss field 24."""
    after = ["S", str(ppid)] + ["0"] * 9 + [str(t) for t in ticks] + ["0"] * 6 + [str(rss)]
    return f"{pid} (postgres: bench (x) idle) " + " ".join(after + ["0"] * 20)


def _stat(pid: int, ppid: int, cpu: float, reaped: float = 0.0, rss: int = 0) -> Stat:
    return Stat(pid, ppid, cpu, reaped, rss)


def test_a_stat_line_gives_ppid_own_and_reaped_children_cpu_and_rss() -> None:
    s = parse_stat(_line(4242, 7, (300, 100, 50, 25), rss=10))
    assert (s.pid, s.ppid) == (4242, 7)
    assert s.cpu_seconds == pytest.approx(400 / TICKS)
    assert s.reaped_seconds == pytest.approx(75 / TICKS)
    assert s.rss_kib == 10 * PAGE_KIB


def test_our_own_stat_line_parses_with_the_kernels_field_order() -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("not Linux")
    s = parse_stat(Path(f"/proc/{os.getpid()}/stat").read_text())
    assert (s.pid, s.ppid) == (os.getpid(), os.getppid())
    assert s.cpu_seconds > 0
    assert s.rss_kib > 0


def test_postgres_pid_file_has_the_pid_on_its_first_line() -> None:
    assert parse_pid_file("4711\n/tmp/pg/data\n1732579200\n55432\n/tmp\n") == 4711
    assert parse_pid_file("123\n") == 123
    assert parse_pid_file("") is None
    assert parse_pid_file("not a pid\n") is None


POSTMASTER, FERRETDB, BENCH = 100, 300, 500
TREE = {
    POSTMASTER: _stat(POSTMASTER, 1, 1.0, reaped=0.5, rss=1000),  # 0.5 s of exited backends
    101: _stat(101, POSTMASTER, 2.0, rss=100),
    102: _stat(102, POSTMASTER, 0.5, reaped=0.1, rss=100),
    103: _stat(103, 102, 0.2, rss=10),  # a grandchild
    FERRETDB: _stat(FERRETDB, 1, 3.0, rss=50),
    200: _stat(200, 1, 9.0),  # not ours
    BENCH: _stat(BENCH, 1, 0.7),
    501: _stat(501, BENCH, 5.0),  # a baseline server: not part of the bench's own figure
}
ROOTS = {"postgres": POSTMASTER, "ferretdb": FERRETDB, "bench": BENCH}


def test_a_tree_sums_its_live_processes_and_what_they_reaped() -> None:
    found = tree_readings(ROOTS, TREE, solo={"bench"})
    cpu, rss, count = found["postgres"]
    assert cpu == pytest.approx(1.0 + 0.5 + 2.0 + 0.5 + 0.1 + 0.2)
    assert (rss, count) == (1210, 4)
    assert found["ferretdb"] == (3.0, 50, 1)
    assert found["bench"] == (0.7, 0, 1)


def test_a_child_that_exits_and_is_reaped_still_counts_once() -> None:
    before = tree_readings(ROOTS, TREE)["postgres"][0]
    # Backend 101 ran another 0.3 s, exited, and the postmaster waited for it.
    after = {k: v for k, v in TREE.items() if k != 101}
    after[POSTMASTER] = _stat(POSTMASTER, 1, 1.0, reaped=0.5 + 2.3, rss=1000)
    assert tree_readings(ROOTS, after)["postgres"][0] - before == pytest.approx(0.3)


def test_a_root_inside_another_tree_is_counted_in_its_own_only() -> None:
    nested = dict(TREE)
    nested[FERRETDB] = _stat(FERRETDB, POSTMASTER, 3.0)
    nested[301] = _stat(301, FERRETDB, 1.0)
    found = tree_readings(ROOTS, nested)
    assert found["postgres"][0] == pytest.approx(4.3)
    assert found["ferretdb"][0] == pytest.approx(4.0)


def test_a_root_that_is_gone_is_left_out() -> None:
    assert "postgres" not in tree_readings(ROOTS, {BENCH: TREE[BENCH]})
