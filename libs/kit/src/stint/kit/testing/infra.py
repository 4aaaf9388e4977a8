"""Real Kafka and MongoDB-wire server for tests: reuse running ones or start our own.

`STINT_KAFKA_BOOTSTRAP` / `STINT_MONGO_URI` name running servers to use. Otherwise the
project's own `deploy/local/infra.sh up` installs (once, cached) and starts them on loopback,
and the test session stops what it started.
"""

from __future__ import annotations

import os
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

# The ports deploy/local/infra.sh uses (overridable the same way, to run beside another stack).
KAFKA_PORT = os.environ.get("STINT_KAFKA_PORT", "9092")
MONGO_PORT = os.environ.get("STINT_MONGO_PORT", "27017")
DEFAULT_KAFKA = f"127.0.0.1:{KAFKA_PORT}"
DEFAULT_MONGO = f"mongodb://127.0.0.1:{MONGO_PORT}/?directConnection=true"


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    mongo_uri: str
    started_here: bool


def repo_root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "deploy" / "local" / "infra.sh").exists():
            return parent
    raise RuntimeError("deploy/local/infra.sh not found above the kit")


def _answers(host_port: str) -> bool:
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def start_infra() -> Infra:
    """Use the servers named in the environment, else start the local ones."""
    kafka = os.environ.get("STINT_KAFKA_BOOTSTRAP")
    mongo = os.environ.get("STINT_MONGO_URI")
    if kafka and mongo:
        return Infra(kafka, mongo, started_here=False)
    started = not (_answers(DEFAULT_KAFKA) and _answers(f"127.0.0.1:{MONGO_PORT}"))
    if started:
        subprocess.run([str(repo_root() / "deploy/local/infra.sh"), "up"], check=True)  # noqa: S603
    # Services built in tests read their settings from the environment: point them at these.
    os.environ["STINT_KAFKA_BOOTSTRAP"] = DEFAULT_KAFKA
    os.environ["STINT_MONGO_URI"] = DEFAULT_MONGO
    return Infra(DEFAULT_KAFKA, DEFAULT_MONGO, started_here=started)


def stop_infra(infra: Infra) -> None:
    if infra.started_here and not os.environ.get("STINT_KEEP_INFRA"):
        subprocess.run([str(repo_root() / "deploy/local/infra.sh"), "down"], check=False)  # noqa: S603
