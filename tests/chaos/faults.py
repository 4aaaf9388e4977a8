"""Faults for a private platform: kill -9 and restart a process, or stall one (SIGSTOP, then
SIGCONT). A `Schedule` is a seeded list of them, so every run of one seed is the same run."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..e2e.conftest import ROOT, Platform

SERVICES = ("postings", "applications", "submissions", "payouts", "notifications", "gateway")
INFRA = ("kafka", "ferretdb")


@dataclass(frozen=True)
class Fault:
    kind: str  # "kill" (kill -9, down for `seconds`, restarted) or "stall" (SIGSTOP `seconds`)
    target: str
    seconds: float

    def __str__(self) -> str:
        return f"{self.kind} {self.target} {self.seconds:.0f}s"


def schedule(seed: int, *, infra: bool) -> list[Fault]:
    """Every service killed once in a seeded order, one stall longer than the gRPC deadline
    (5 s), and with `infra` the broker and the database killed too."""
    rng = random.Random(seed)
    targets = list(SERVICES) + (list(INFRA) if infra else [])
    rng.shuffle(targets)
    faults = [Fault("kill", t, rng.choice([2.0, 4.0, 6.0])) for t in targets]
    faults.insert(rng.randrange(len(faults)), Fault("stall", rng.choice(SERVICES), 8.0))
    return faults


def _pid(platform: Platform, target: str) -> int:
    state = Path(platform.env["STINT_STATE"])
    path = state / target / f"{target}.pid" if target in INFRA else state / "run" / f"{target}.pid"
    return int(path.read_text())


def _run(platform: Platform, *command: str) -> None:
    done = subprocess.run(
        [str(ROOT / "deploy/local" / command[0]), *command[1:]],
        env=platform.env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}{done.stderr[-2000:]}"


async def inject(platform: Platform, fault: Fault) -> float:
    """Apply `fault`; returns the seconds from the fault to the target serving again."""
    pid = _pid(platform, fault.target)
    started = time.monotonic()
    if fault.kind == "stall":
        os.kill(pid, signal.SIGSTOP)
        await asyncio.sleep(fault.seconds)
        os.kill(pid, signal.SIGCONT)
        return time.monotonic() - started
    os.kill(pid, signal.SIGKILL)
    await asyncio.sleep(fault.seconds)
    if fault.target in INFRA:
        await asyncio.to_thread(_run, platform, "infra.sh", "up")
    else:
        await asyncio.to_thread(_run, platform, "platform.sh", "restart", fault.target)
    return time.monotonic() - started
