"""The operator's verbs on the running platform (issue 15, item 7): `status` shows every
process, `restart NAME` brings one service back as `up` started it, and `make dlq` lists a
dead letter and re-drives it to the topic it came from, unchanged."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from pathlib import Path

from aiokafka import AIOKafkaProducer

from stint.contracts import topics
from stint.kit.testing.poll import eventually

from .conftest import ROOT, Platform, present_services, run_platform


def _dlq(platform: Platform, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stint.kit.dlq", *args],
        env=platform.env | {"STINT_KAFKA_BOOTSTRAP": platform.kafka_bootstrap},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_status_and_restart_of_one_service(platform: Platform) -> None:
    status = run_platform("status", platform.env)
    assert status.returncode == 0, status.stdout + status.stderr
    # Every service and the gateway.
    assert status.stdout.count(" ready") == len(present_services()), status.stdout
    pid_file = Path(platform.env["STINT_STATE"]) / "run" / "notifications.pid"
    before = pid_file.read_text()

    assert run_platform("restart", platform.env).returncode == 2  # no name: usage only
    restarted = await asyncio.to_thread(
        subprocess.run,
        [str(ROOT / "deploy/local/platform.sh"), "restart", "notifications"],
        env=platform.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert restarted.returncode == 0, restarted.stderr[-3000:]
    assert "notifications restarted" in restarted.stdout
    assert pid_file.read_text() != before
    assert run_platform("status", platform.env).returncode == 0


async def test_a_dead_letter_is_listed_and_re_driven_unchanged(platform: Platform) -> None:
    key = f"garbage-{uuid.uuid4().hex[:8]}".encode()
    producer = AIOKafkaProducer(bootstrap_servers=platform.kafka_bootstrap)
    await producer.start()
    try:  # not an envelope: every consumer of the topic dead-letters it
        await producer.send_and_wait(topics.SUBMISSIONS, b"not protobuf", key=key)
    finally:
        await producer.stop()

    listed = await eventually(
        lambda: _dlq(platform, "list", "payouts"),
        until=lambda done: "malformed_envelope" in done.stdout and done.returncode == 0,
        timeout=60,
        interval=0.5,
        what="the dead letter in stint.dlq.payouts",
    )
    assert "waiting" in listed.stdout

    redriven = _dlq(platform, "redrive", "payouts")
    assert redriven.returncode == 0, redriven.stderr
    assert "re-drove offset" in redriven.stdout, listed.stdout + redriven.stdout
    # Sent back unchanged, so payouts dead-letters it again: now one re-driven, one new.
    again = await eventually(
        lambda: _dlq(platform, "list", "payouts"),
        until=lambda done: "re-driven" in done.stdout and "waiting" in done.stdout,
        timeout=60,
        interval=0.5,
        what="the re-driven record dead-lettered again",
    )
    assert again.returncode == 0
    nothing = _dlq(platform, "redrive", "payouts", "--offset", "999999")
    assert nothing.returncode != 0
