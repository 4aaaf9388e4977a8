"""The bench scrapes every process that platform.sh starts: a new service's ops port must be in
its list (the seventh service's database requests once went uncounted)."""

from __future__ import annotations

import re
from pathlib import Path

from tools.bench.stack import OPS_PORTS, SERVICE_PORTS

PLATFORM = Path(__file__).resolve().parents[2] / "deploy/local/platform.sh"


def _platform() -> tuple[list[tuple[str, int, int]], int]:
    text = PLATFORM.read_text()
    services = re.search(r'^SERVICES="([^"]+)"', text, re.MULTILINE)
    gateway_ops = re.search(r"^GATEWAY_OPS=(\d+)", text, re.MULTILINE)
    assert services, "platform.sh no longer declares SERVICES"
    assert gateway_ops, "platform.sh no longer declares GATEWAY_OPS"
    entries = [e.split(":") for e in services.group(1).split()]
    return [(n, int(g), int(h)) for n, g, h in entries], int(gateway_ops.group(1))


def test_every_services_metrics_are_scraped() -> None:
    services, gateway_ops = _platform()
    expected = {gateway_ops} | {http for name, _, http in services if name != "gateway"}
    assert set(OPS_PORTS) == expected


def test_every_port_the_platform_binds_is_checked_free() -> None:
    services, _ = _platform()
    assert {g for _, g, _ in services if g} | {h for *_, h in services} <= set(SERVICE_PORTS)
