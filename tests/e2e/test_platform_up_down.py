"""`make up` starts the platform in the background; `make run` on it streams every process's log
prefixed with its name, restarts a service that dies, and Ctrl-C stops everything in order
(gateway first, infrastructure last) leaving nothing listening and no process behind; `make
down` afterwards has nothing to do.

Runs on its own ports and state folder, so it neither needs nor disturbs the servers the rest
of the suite uses. (It sorts before the other e2e files, so it runs before the session's
platform starts and the two never compete for the machine.)
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from stint.kit.testing.poll import eventually

from .conftest import (
    INFRA_PORTS,
    ROOT,
    SERVICES,
    listening,
    platform_env,
    present_services,
    run_platform,
)


def _holding(state: Path) -> list[str]:
    """Command lines of live processes that name the state folder (brokers, the log stream)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(state) in text:
            found.append(text)
    return found


def _alive(pid: int) -> bool:
    """Running, not a zombie: an exited process waits for its parent (here init, which on some
    machines reaps a second or two late) to collect it, and `kill(pid, 0)` still succeeds."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.timeout(300)
async def test_up_then_run_then_ctrl_c_leaves_nothing_running(tmp_path: Path) -> None:
    env = platform_env(tmp_path / "state")
    ports = [int(env[name]) for name in INFRA_PORTS]
    offset = int(env["STINT_PORT_OFFSET"])
    names = present_services()
    service_ports = [p + offset for n in names for p in SERVICES[n]]
    out = tmp_path / "run.out"
    try:
        up = run_platform("up", env)
        assert up.returncode == 0, up.stderr[-3000:]
        assert "Stint is up." in up.stdout
        assert f"http://127.0.0.1:{8080 + offset}/docs" in up.stdout
        assert all(listening(port) for port in [*ports, *service_ports])
        pids = [int(p.read_text()) for p in (tmp_path / "state" / "run").glob("*.pid")]
        assert len(pids) == len(names)

        # `run` on a running platform: reuses it, then streams logs until Ctrl-C. A new session,
        # so SIGINT to its process group is what a terminal's Ctrl-C does to `make run`.
        with out.open("w") as sink:
            run = subprocess.Popen(  # noqa: ASYNC220 - starts it, never waits on it
                [str(ROOT / "deploy/local/platform.sh"), "run"],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        await eventually(
            lambda: "Ctrl-C stops everything." in out.read_text(),
            timeout=60,
            interval=0.1,
            what="run streaming",
        )
        # The supervisor: a service killed with SIGKILL is started again, and `run` says so.
        state_run = tmp_path / "state" / "run"
        victim = int((state_run / "payouts.pid").read_text())
        os.kill(victim, signal.SIGKILL)
        await eventually(
            lambda: "[supervisor] payouts started again" in out.read_text(),
            timeout=60,
            interval=0.2,
            what="the supervisor restarting payouts",
        )
        revived = int((state_run / "payouts.pid").read_text())
        assert revived != victim
        pids.append(revived)
        await eventually(
            lambda: run_platform("status", env),
            until=lambda done: done.returncode == 0,
            timeout=60,
            interval=0.5,
            what="every process ready again",
        )
        os.killpg(run.pid, signal.SIGINT)
        await eventually(lambda: run.poll() is not None, timeout=120, interval=0.2, what="exit")
        assert run.returncode == 0
        text = out.read_text()
        stops = [f"{n} stopped" for n in reversed(names)] + ["kafka stopped", "ferretdb stopped"]
        positions = [text.find(line) for line in stops]
        assert -1 not in positions, text[-3000:]
        assert positions == sorted(positions), f"stop order: {stops} at {positions}"
        # Shutdown lines of the services still reach the stream, each prefixed.
        assert re.search(r"^\[postings\]\s+\d\d:\d\d:\d\d info\s+service stopped", text, re.M)
    finally:
        down = run_platform("down", env)
    assert down.returncode == 0, down.stderr[-2000:]
    still = [port for port in [*ports, *service_ports] if listening(port)]
    assert still == [], f"still listening after Ctrl-C: {still}"
    assert not list((tmp_path / "state" / "run").glob("*.pid"))
    assert [pid for pid in pids if _alive(pid)] == [], "a service process survived"
    assert not _alive(run.pid)
    assert _holding(tmp_path / "state") == [], "a process of this platform survived"
