"""The platform as in production, once per session: Kafka, FerretDB, every service and the
gateway as separate processes started by `deploy/local/platform.sh up`, on free ports and a
private state folder (so it neither needs nor disturbs the servers the rest of the suite uses),
driven only through the gateway over real HTTP; plus a webhook receiver on loopback.

Timers are shortened through the environment (platform.sh passes it through to the services):
the review window before auto-approval is ~13 s, payouts settle at once,
timers poll 5 times a second.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks import Webhook

from gateway.auth import issue_dev_token
from stint.kit.testing.poll import eventually

ROOT = Path(__file__).resolve().parents[2]
# The secret platform.sh gives the gateway unless STINT_JWT_SECRET says otherwise.
DEV_SECRET = "stint-dev-secret-not-for-production"
INFRA_PORTS = (
    "STINT_KAFKA_PORT",
    "STINT_KAFKA_CONTROLLER_PORT",
    "STINT_MONGO_PORT",
    "STINT_FERRETDB_DEBUG_PORT",
    "STINT_PG_PORT",  # the private PostgreSQL cluster behind FerretDB (deploy/local/postgres.sh)
)
SERVICES = {
    "postings": (50051, 9101),
    "applications": (50052, 9102),
    "submissions": (50053, 9103),
    "payouts": (50054, 9104),
    "notifications": (50055, 9105),
    "outcomes": (50056, 9106),
    "gateway": (8080, 9100),  # the API, and the ops port (/metrics, /readyz)
}
# Review window before auto-approval, in days (submissions' STINT_REVIEW_WINDOW_DAYS).
REVIEW_WINDOW_DAYS = 0.00015  # ~13 s
SPEED = {
    "STINT_REVIEW_WINDOW_DAYS": str(REVIEW_WINDOW_DAYS),
    "STINT_TIMER_POLL_SECONDS": "0.2",
    "STINT_POLL_SECONDS": "0.2",  # payouts: settlement polling
    "STINT_SANDBOX_SETTLE_SECONDS": "0",
    "STINT_RELAY_SWEEP_SECONDS": "0.5",
    "STINT_WEBHOOK_SCHEDULE_SECONDS": "[0,1,2,5,10,30,60,120]",
    # Every topic must come from the spec: the private broker creates none by itself.
    "STINT_KAFKA_AUTO_CREATE_TOPICS": "false",
}


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bindable(port: int) -> bool:
    # Binding (not connecting) also sees ports held by other sockets, e.g. outgoing connections.
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_offset(ports: list[int]) -> int:
    """An offset that moves every service port onto a free one (other stacks may be running)."""
    for offset in random.sample(range(1000, 9000, 50), 40):
        if all(bindable(p + offset) for p in ports):
            return offset
    raise AssertionError("no free port range for the services")


def present_services() -> list[str]:
    return [n for n in SERVICES if (ROOT / "services" / n / "src" / n / "__main__.py").exists()]


def platform_env(state: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a private platform: free infra ports, a free port offset, and
    none of the caller's STINT_* settings (they would point the services elsewhere)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STINT_") or k == "STINT_CACHE"}
    env["STINT_STATE"] = str(state)
    env |= {name: str(free_port()) for name in INFRA_PORTS}
    env["STINT_PORT_OFFSET"] = str(free_offset([p for n in SERVICES for p in SERVICES[n]]))
    return env | extra


def run_platform(verb: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "deploy/local/platform.sh"), verb],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@dataclass(frozen=True)
class Platform:
    url: str
    env: dict[str, str]
    kafka_bootstrap: str


@contextmanager
def private_platform(env: dict[str, str]) -> Iterator[Platform]:
    """`platform.sh up` with `env` (see `platform_env`), and `down` however the block ends."""
    up = run_platform("up", env)
    if up.returncode != 0 and "Failed to bind" in up.stderr:
        # Our ports were free when chosen, but the service ports (5005x + offset) lie in the
        # kernel's ephemeral range, where any outgoing connection may take one meanwhile: once
        # more on other ports (`up` stopped everything it had started).
        env = env | {name: str(free_port()) for name in INFRA_PORTS}
        env["STINT_PORT_OFFSET"] = str(free_offset([p for n in SERVICES for p in SERVICES[n]]))
        up = run_platform("up", env)
    offset = int(env["STINT_PORT_OFFSET"])
    try:
        assert up.returncode == 0, up.stdout[-2000:] + up.stderr[-4000:]
        yield Platform(
            url=f"http://127.0.0.1:{8080 + offset}",
            env=env,
            kafka_bootstrap=f"127.0.0.1:{env['STINT_KAFKA_PORT']}",
        )
    finally:
        down = run_platform("down", env)
        assert down.returncode == 0, down.stderr[-2000:]


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The whole platform, started once for the e2e session and stopped at its end."""
    state = tmp_path_factory.mktemp("platform") / "state"
    # Traced as an operator would trace it, to files the tracing test reads (stint.kit.tracing).
    traced = {"STINT_TRACE_EXPORTER": "file", "STINT_TRACE_DIR": str(state / "traces")}
    with private_platform(platform_env(state, **SPEED, **traced)) as p:
        yield p


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test that used the platform shows the last lines of every process's log."""
    report = yield
    # funcargs holds every fixture the test used, also indirectly (`http` needs `platform`).
    platform: Platform | None = getattr(item, "funcargs", {}).get("platform")
    if report.failed and platform is not None:
        logs = Path(platform.env["STINT_STATE"]) / "logs"
        for log in sorted(logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-40:]
            report.sections.append((f"platform log {log.name} (last 40 lines)", "\n".join(tail)))
    return report


def auth(role: str, sub: str, org: str = "") -> dict[str, str]:
    jwt = issue_dev_token(DEV_SECRET, subject=sub, role=role, org=org, ttl_seconds=3600)
    return {"Authorization": f"Bearer {jwt}"}


@pytest.fixture
async def http(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.url, timeout=10) as client:
        yield client


# --- webhooks ------------------------------------------------------------------------------


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every request it gets, per path; answers 204."""

    url: str
    deliveries: dict[str, list[Delivery]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def at(self, path: str) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries.get(path, []))

    def verified(self, path: str, secret: str) -> dict[str, dict[str, Any]]:
        """webhook-id -> payload, every delivery verified with the standardwebhooks package
        (a forged or altered one raises); retried deliveries collapse onto one id."""
        hook = Webhook(secret)
        unique: dict[str, dict[str, Any]] = {}
        for d in self.at(path):
            payload = hook.verify(d.body, d.headers)
            previous = unique.setdefault(d.headers["webhook-id"], payload)
            assert previous == payload, "one webhook-id, two different bodies"
        return unique


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            with box.lock:
                box.deliveries.setdefault(self.path, []).append(
                    Delivery({k.lower(): v for k, v in self.headers.items()}, body)
                )
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


def event_key(payload: dict[str, Any]) -> tuple[str, str, str]:
    """(type, aggregate id, version) of a webhook payload: what makes one event one event."""
    for value in payload["data"].values():
        if isinstance(value, dict) and "id" in value and "version" in value:
            return payload["type"], value["id"], str(value["version"])
    return payload["type"], json.dumps(payload["data"], sort_keys=True), ""


async def until_status(
    http: httpx.AsyncClient, method: str, url: str, ok: int, **kw: Any
) -> httpx.Response:
    """Retry while another service's projection catches up (events are asynchronous)."""

    async def attempt() -> httpx.Response:
        return await http.request(method, url, **kw)

    return await eventually(
        attempt,
        until=lambda r: r.status_code == ok,
        timeout=30,
        interval=0.1,
        what=f"{method} {url} -> {ok}",
    )
