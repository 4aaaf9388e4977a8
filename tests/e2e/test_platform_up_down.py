"""`make up` starts the platform in the background and `make down` leaves nothing listening.

Runs on its own ports and state folder, so it neither needs nor disturbs the servers the rest
of the suite uses.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INFRA_PORTS = (
    "STINT_KAFKA_PORT",
    "STINT_KAFKA_CONTROLLER_PORT",
    "STINT_MONGO_PORT",
    "STINT_FERRETDB_DEBUG_PORT",
)
SERVICES = {
    "postings": (50051, 9101),
    "applications": (50052, 9102),
    "submissions": (50053, 9103),
    "payouts": (50054, 9104),
    "notifications": (50055, 9105),
    "gateway": (8080,),
}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
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


def _free_offset(ports: list[int]) -> int:
    """An offset that moves every service port onto a free one (other stacks may be running)."""
    for offset in random.sample(range(1000, 9000, 50), 40):
        if all(_bindable(p + offset) for p in ports):
            return offset
    raise AssertionError("no free port range for the services")


def _platform(verb: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "deploy/local/platform.sh"), verb],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_up_then_down_leaves_nothing_listening(tmp_path: Path) -> None:
    env = {**os.environ, "STINT_STATE": str(tmp_path / "state")}
    ports = {name: _free_port() for name in INFRA_PORTS}
    env |= {name: str(port) for name, port in ports.items()}
    present = [n for n in SERVICES if (ROOT / "services" / n / "src" / n / "__main__.py").exists()]
    offset = _free_offset([p for n in SERVICES for p in SERVICES[n]])
    env["STINT_PORT_OFFSET"] = str(offset)
    service_ports = [p + offset for n in present for p in SERVICES[n]]
    try:
        up = _platform("up", env)
        assert up.returncode == 0, up.stderr[-3000:]
        assert "Stint is up." in up.stdout
        assert all(_listening(port) for port in [*ports.values(), *service_ports])
    finally:
        down = _platform("down", env)
    assert down.returncode == 0, down.stderr[-2000:]
    still = [port for port in [*ports.values(), *service_ports] if _listening(port)]
    assert still == [], f"still listening after down: {still}"
    assert not list((tmp_path / "state" / "run").glob("*.pid"))
