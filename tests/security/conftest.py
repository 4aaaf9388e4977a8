"""The adversarial suite's platform: every process as in production (`platform.sh up` on free
ports, a private state folder), with production's webhook rule (no loopback targets), no gRPC
reflection, and a failed-authentication budget large enough for the attack sets (the budget
itself is tested in the gateway's suite, where one client's address can be isolated).

Each test module sends one attack class and records what came back in `Tally`; the session
prints the table (attempts, accepted, 5xx per class) that the closing note quotes.
"""

from __future__ import annotations

import socket
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from ..e2e.conftest import SPEED, Platform, platform_env, private_platform

SUITE_ENV = SPEED | {
    "STINT_WEBHOOK_ALLOW_LOOPBACK": "false",
    "STINT_GRPC_REFLECTION": "false",
    "STINT_FAILED_AUTH_BURST": "100000",
    "STINT_RATE_LIMIT_BURST": "100000",
    "STINT_RATE_LIMIT_PER_SECOND": "10000",
    # These suites look for wrong answers, not slow ones (make bench measures speed): on a
    # loaded 2-core CI machine one backend call in ~22,000 fuzzed requests once took longer than
    # the 5 s production deadline and came back 503. The deadline stays below the clients' 15 s.
    "STINT_GRPC_DEADLINE_SECONDS": "12",
}


@dataclass
class Tally:
    """Per attack class: attempts, how many were accepted (should be 0), how many got a 5xx."""

    rows: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    def record(self, attack: str, *, accepted: bool, server_error: bool) -> None:
        row = self.rows[attack]
        row[0] += 1
        row[1] += int(accepted)
        row[2] += int(server_error)

    def add(self, attack: str, *, attempts: int, server_errors: int) -> None:
        """Counts from a tool that reports totals (schemathesis)."""
        row = self.rows[attack]
        row[0] += attempts
        row[2] += server_errors

    def table(self) -> str:
        lines = [f"{'attack class':<48} {'attempts':>8} {'accepted':>8} {'5xx':>5}"]
        for name, (attempts, accepted, errors) in sorted(self.rows.items()):
            lines.append(f"{name:<48} {attempts:>8} {accepted:>8} {errors:>5}")
        return "\n".join(lines)


TALLY = Tally()


@pytest.fixture(scope="session")
def tally() -> Iterator[Tally]:
    yield TALLY
    report = Path(__file__).resolve().parents[2] / ".stint" / "security-report.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text(TALLY.table() + "\n")
    print("\n" + TALLY.table())


@pytest.fixture(scope="session")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The platform with production's security settings, once for the security session."""
    env = platform_env(tmp_path_factory.mktemp("hardened") / "state", **SUITE_ENV)
    with private_platform(env) as platform:
        yield platform


@pytest.fixture
async def api(hardened: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=hardened.url, timeout=15) as client:
        yield client


def offset_of(platform: Platform) -> int:
    return int(platform.env["STINT_PORT_OFFSET"])


@dataclass
class Listener:
    """A TCP listener on loopback that only counts the connections it accepted."""

    port: int = 0
    accepted: int = 0


@pytest.fixture(scope="session")
def listener() -> Iterator[Listener]:
    box = Listener()
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    box.port = int(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            box.accepted += 1
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        stop.set()
        thread.join(2)
        server.close()
