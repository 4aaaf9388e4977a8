"""Create every Kafka topic the platform needs from the one spec, `stint.contracts.topics`.

Usage (the venv's python; `make topics`, and `platform.sh up` before any service starts):

    python deploy/local/topics.py create   # idempotent; warns about topics with other partitions
    python deploy/local/topics.py check    # exit 1 unless every topic exists as specified

Broker from `STINT_KAFKA_BOOTSTRAP` (default 127.0.0.1:9092); names take
`STINT_KAFKA_TOPIC_PREFIX`, like the services' `settings.topic(...)`. One admin client round
trip for all topics instead of one JVM per topic (`kafka.sh topics-create`, ~0.7 s each).
"""

from __future__ import annotations

import asyncio
import os
import sys

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from stint.contracts.topics import TopicSpec, all_topics

# Kafka error codes in CreateTopics responses.
TOPIC_ALREADY_EXISTS = 36


def wanted(prefix: str) -> dict[str, int]:
    """Physical topic name -> partition count, from the spec."""
    specs: tuple[TopicSpec, ...] = all_topics()
    return {f"{prefix}{t.name}": t.partitions for t in specs}


async def partitions(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, int]:
    """Partition count of each of `names` that exists."""
    existing = set(await admin.list_topics())
    present = [n for n in names if n in existing]
    if not present:
        return {}
    described = await admin.describe_topics(present)
    return {d["topic"]: len(d["partitions"]) for d in described if d["error_code"] == 0}


async def create(admin: AIOKafkaAdminClient, spec: dict[str, int]) -> list[str]:
    """Create the missing topics; return the created names."""
    before = await partitions(admin, list(spec))
    missing = [NewTopic(n, p, 1) for n, p in spec.items() if n not in before]
    if missing:
        response = await admin.create_topics(missing)
        for name, code, *rest in response.topic_errors:
            # A concurrent creator (another `up`) got there first: fine, checked below.
            if code not in (0, TOPIC_ALREADY_EXISTS):
                raise SystemExit(f"topics: cannot create {name}: error {code} {rest}")
    return [t.name for t in missing]


async def mismatches(
    admin: AIOKafkaAdminClient, spec: dict[str, int], settle: float
) -> tuple[list[str], list[str]]:
    """How the broker's topics differ from the spec: (other partition counts, missing)."""
    deadline = asyncio.get_running_loop().time() + settle
    while True:
        actual = await partitions(admin, list(spec))
        wrong = [
            f"{n}: {actual[n]} partitions (spec: {c})"
            for n, c in spec.items()
            if n in actual and actual[n] != c
        ]
        missing = [
            f"{n}: missing (spec: {c} partitions)" for n, c in spec.items() if n not in actual
        ]
        # A just-created topic may take a moment to reach the broker's metadata cache.
        if not missing or asyncio.get_running_loop().time() > deadline:
            return wrong, missing
        await asyncio.sleep(0.1)


async def main(verb: str) -> int:
    bootstrap = os.environ.get("STINT_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
    spec = wanted(os.environ.get("STINT_KAFKA_TOPIC_PREFIX", ""))
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    try:
        await admin.start()
        created = await create(admin, spec) if verb == "create" else []
        wrong, missing = await mismatches(admin, spec, 10.0 if created else 0.0)
    except KafkaError as exc:
        print(f"topics: broker {bootstrap}: {exc!r}", file=sys.stderr)
        return 1
    finally:
        await admin.close()
    for name in created:
        print(f"topics: created {name} ({spec[name]} partitions)", file=sys.stderr)
    for problem in missing:
        print(f"topics: error: {problem}", file=sys.stderr)
    for problem in wrong:
        print(f"topics: {'error' if verb == 'check' else 'warning'}: {problem}", file=sys.stderr)
    if wrong:
        # Typically a state from before topics came from the spec (auto-created with the
        # broker's default); the platform still runs, but not as specified.
        print(
            "topics: existing topics are never changed here; for a fresh local state: "
            "`make down && rm -rf .stint/kafka` (deletes the local Kafka data)",
            file=sys.stderr,
        )
    if not wrong and not missing:
        print(f"topics: all {len(spec)} topics as specified on {bootstrap}", file=sys.stderr)
    return 1 if missing or (wrong and verb == "check") else 0


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("create", "check"):
        print("usage: topics.py create|check", file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv[1])))
