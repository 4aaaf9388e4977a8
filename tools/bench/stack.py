"""A private platform stack: `deploy/local/platform.sh up` on free ports with its own state
folder (like tests/e2e/test_platform_up_down.py), so it neither needs nor disturbs the servers
other work on this machine uses. `down` always runs, even when the bench fails."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.bench.procs import parse_pid_file

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ROOT / "deploy/local/platform.sh"
INFRA_PORTS = (
    "STINT_KAFKA_PORT",
    "STINT_KAFKA_CONTROLLER_PORT",
    "STINT_MONGO_PORT",
    "STINT_FERRETDB_DEBUG_PORT",
    "STINT_PG_PORT",  # the private PostgreSQL cluster behind FerretDB, when there is one
)
# Base ports of platform.sh (design.md §6); STINT_PORT_OFFSET shifts them all.
OPS_PORTS = (9100, 9101, 9102, 9103, 9104, 9105, 9106)  # the gateway's, then each service's
SERVICE_PORTS = (*(50051, 50052, 50053, 50054, 50055, 50056), *OPS_PORTS, 8080)
GATEWAY_PORT = 8080
# Fast settlement and polling, and no rate limit: the bench measures the pipeline, not the
# sandbox's artificial delay or the per-subject token bucket.
SPEED_KNOBS = {
    "STINT_SANDBOX_SETTLE_SECONDS": "0",
    "STINT_POLL_SECONDS": "0.2",
    "STINT_TIMER_POLL_SECONDS": "0.2",
    "STINT_RATE_LIMIT_PER_SECOND": "100000",
    "STINT_RATE_LIMIT_BURST": "100000",
    "STINT_LOG_LEVEL": "WARNING",
    # Each paid payout is checked once more when its return watch ends (10 min in production):
    # shortened so that this follow-up of the load fires before the idle windows after it.
    "STINT_RETURN_WATCH_SECONDS": "50",
}
DEV_SECRET = "stint-dev-secret-not-for-production"  # noqa: S105 (public dev value)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bindable(port: int) -> bool:
    # Binding (not connecting) also sees ports held by other sockets, e.g. outgoing connections.
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_offset() -> int:
    for offset in random.sample(range(1000, 9000, 50), 40):
        if all(_bindable(p + offset) for p in SERVICE_PORTS):
            return offset
    raise RuntimeError("no free port range for the services")


@dataclass(frozen=True)
class Stack:
    """Where the private stack listens and keeps its state."""

    state: Path
    env: dict[str, str]
    offset: int

    @classmethod
    def plan(cls, state: Path) -> Stack:
        env = {**os.environ, "STINT_STATE": str(state), **SPEED_KNOBS}
        env |= {name: str(free_port()) for name in INFRA_PORTS}
        offset = _free_offset()
        env["STINT_PORT_OFFSET"] = str(offset)
        return cls(state, env, offset)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{GATEWAY_PORT + self.offset}"

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.env['STINT_KAFKA_PORT']}"

    @property
    def metrics_url(self) -> str:
        """FerretDB's Prometheus metrics on its debug port."""
        return f"http://127.0.0.1:{self.env['STINT_FERRETDB_DEBUG_PORT']}/debug/metrics"

    @property
    def service_metrics_urls(self) -> list[str]:
        """Every process's /metrics (ops ports: the gateway's 9100, the services' 9101-9106)."""
        return [f"http://127.0.0.1:{p + self.offset}/metrics" for p in OPS_PORTS]

    @property
    def mongo_uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.env['STINT_MONGO_PORT']}/?directConnection=true"

    def up(self) -> None:
        self._platform("up")

    def down(self) -> None:
        self._platform("down")

    def pids(self) -> dict[str, int]:
        """Every platform process by name: the services' pid files, Kafka's and FerretDB's, and
        PostgreSQL's postmaster (the root of its tree of backends) when FerretDB runs on one."""
        files = sorted((self.state / "run").glob("*.pid"))
        files += [self.state / "kafka/kafka.pid", self.state / "ferretdb/ferretdb.pid"]
        found: dict[str, int] = {}
        for path in files:
            pid = _read_pid(path)
            if pid is not None:
                found[path.stem] = pid
        postmaster = self.state / "ferretdb/pg/data/postmaster.pid"
        candidates = [postmaster, *sorted(self.state.glob("ferretdb/**/postmaster.pid"))]
        for path in candidates:
            pid = _read_pid(path)
            if pid is not None:
                found["postgres"] = pid
                break
        return found

    def _platform(self, verb: str) -> None:
        # Progress goes to our stderr, so a slow start is visible while it happens.
        done = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
            [str(PLATFORM), verb],
            env=self.env,
            stdout=sys.stderr,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"platform.sh {verb} failed (exit {done.returncode})")


def _read_pid(path: Path) -> int | None:
    try:
        return parse_pid_file(path.read_text())
    except OSError:
        return None
