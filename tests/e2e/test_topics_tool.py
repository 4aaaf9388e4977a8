"""`deploy/local/topics.py` against the shared broker, on private prefixed topics: creates the
spec's topics idempotently, `check` proves them, and a topic with another partition count is
reported (a warning for `create`, a failure for `check`), never changed."""

from __future__ import annotations

import os
import subprocess
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from stint.contracts.topics import POSTINGS, all_topics

from .conftest import ROOT


def _topics(verb: str, bootstrap: str, prefix: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"STINT_KAFKA_BOOTSTRAP": bootstrap, "STINT_KAFKA_TOPIC_PREFIX": prefix}
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/topics.py"), verb],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_create_is_idempotent_and_check_proves_it(kafka_bootstrap: str, unique: str) -> None:
    prefix = f"t{unique}."
    assert _topics("check", kafka_bootstrap, prefix).returncode == 1
    first = _topics("create", kafka_bootstrap, prefix)
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("topics: created") == len(all_topics())
    again = _topics("create", kafka_bootstrap, prefix)
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stderr
    assert _topics("check", kafka_bootstrap, prefix).returncode == 0


async def test_a_topic_with_other_partitions_is_reported_not_changed(
    kafka_bootstrap: str, unique: str
) -> None:
    prefix = f"t{unique}."
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(f"{prefix}{POSTINGS}", 1, 1)])
        created = _topics("create", kafka_bootstrap, prefix)
        checked = _topics("check", kafka_bootstrap, prefix)
        (described,) = await admin.describe_topics([f"{prefix}{POSTINGS}"])
    finally:
        await admin.close()
    assert created.returncode == 0, created.stderr
    assert f"warning: {prefix}{POSTINGS}: 1 partitions (spec: 3)" in created.stderr
    assert checked.returncode == 1
    assert f"error: {prefix}{POSTINGS}: 1 partitions (spec: 3)" in checked.stderr
    assert len(described["partitions"]) == 1
