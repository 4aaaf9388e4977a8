"""`make up` starts the platform in the background and `make down` leaves nothing listening.

Runs on its own ports and state folder, so it neither needs nor disturbs the servers the rest
of the suite uses. (It sorts before the other e2e files, so it runs before the session's
platform starts and the two never compete for the machine.)
"""

from __future__ import annotations

from pathlib import Path

from .conftest import INFRA_PORTS, SERVICES, listening, platform_env, present_services, run_platform


def test_up_then_down_leaves_nothing_listening(tmp_path: Path) -> None:
    env = platform_env(tmp_path / "state")
    ports = [int(env[name]) for name in INFRA_PORTS]
    offset = int(env["STINT_PORT_OFFSET"])
    service_ports = [p + offset for n in present_services() for p in SERVICES[n]]
    try:
        up = run_platform("up", env)
        assert up.returncode == 0, up.stderr[-3000:]
        assert "Stint is up." in up.stdout
        assert all(listening(port) for port in [*ports, *service_ports])
    finally:
        down = run_platform("down", env)
    assert down.returncode == 0, down.stderr[-2000:]
    still = [port for port in [*ports, *service_ports] if listening(port)]
    assert still == [], f"still listening after down: {still}"
    assert not list((tmp_path / "state" / "run").glob("*.pid"))
