"""Kafka plumbing around the consumer: creating its topics, and aiokafka's outage noise.

Topics: a consumer that joins its group before a topic exists only sees the topic at its next
metadata refresh, minutes later, and events published meanwhile would wait; so the consumer
creates what is missing (partition counts from the one spec) and waits until the broker's
metadata has leaders for them, before it subscribes.

Noise: during a broker outage aiokafka logs a connection error per attempt, several a second,
from its client, fetcher, coordinator and sender. `OutageLog` turns that into one warning
when the outage starts and one when the consumer reaches the broker again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = 36  # Kafka error code in CreateTopics responses
AIOKAFKA_LOGGERS = (
    "aiokafka.client",
    "aiokafka.conn",
    "aiokafka.cluster",
    "aiokafka.consumer.fetcher",
    "aiokafka.consumer.group_coordinator",
    "aiokafka.producer.sender",
    "aiokafka.admin.client",
)
# aiokafka's messages (format strings) that mean "cannot reach the broker", and will be retried.
CONNECTION_TROUBLE = (
    "Unable connect to",
    "Unable to request metadata",
    "Unable to update metadata",
    "Failed fetch messages from",
    "Failed fetch offsets from",
    "Error sending %s to node",
    "Group Coordinator Request failed",
    "FindCoordinator Request failed",
    "Heartbeat send request failed",
    "Heartbeat session expired",
    "Heartbeat failed for group %s: coordinator",
    "Cannot send %r to",
    "Could not send %r",
)


async def ensure_topics(
    bootstrap: str,
    spec: Mapping[str, int],
    *,
    replication_factor: int = 1,
    settle_seconds: float = 10.0,
) -> list[str]:
    """Create the topics of `spec` (name -> partitions) that are missing; return their names.

    Never fails the caller: a cluster that refuses (production provisions topics, or
    authorisation) is logged, and the consumer still starts, as FastStream's subscriber did.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15_000)
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [NewTopic(n, p, replication_factor) for n, p in spec.items() if n not in existing]
        if not missing:
            return []
        response = await admin.create_topics(missing)
        for name, code, *rest in response.topic_errors:
            if code not in (0, TOPIC_ALREADY_EXISTS):  # a concurrent creator got there first
                log.warning("cannot create topic", extra={"topic": name, "error": [code, *rest]})
        created = [t.name for t in missing]
        await _until_led(admin, created, settle_seconds)
        return created
    except KafkaError as exc:
        log.warning("cannot check or create topics", extra={"error": repr(exc)})
        return []
    finally:
        await admin.close()


async def _until_led(admin: AIOKafkaAdminClient, names: list[str], timeout: float) -> None:
    """Wait until every partition of `names` has a leader: a just-created topic takes a moment
    to reach the metadata, and a consumer joining before that would be assigned none of it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = await admin.describe_topics(names)
        if all(
            d["error_code"] == 0
            and d["partitions"]
            and all(p["leader"] >= 0 for p in d["partitions"])
            for d in described
        ):
            return
        await asyncio.sleep(0.1)
    log.warning("created topics have no leader yet", extra={"topics": names})


class OutageLog(logging.Filter):
    """On aiokafka's loggers: the first connection error of an outage becomes one warning, the
    rest are dropped until `recovered()` (called by whoever just reached the broker)."""

    def __init__(self) -> None:
        super().__init__()
        self.down_since: float | None = None
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        template = str(record.msg)
        if template.startswith("OffsetCommit failed"):  # the consumer retries: not an error
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            return True
        if record.levelno < logging.WARNING or not template.startswith(CONNECTION_TROUBLE):
            return True
        if self.down_since is not None:
            self.dropped += 1
            return False
        self.down_since = time.monotonic()
        original = record.getMessage()
        record.msg = "Kafka unreachable, retrying; more such errors are not logged until it is "
        record.msg += f"reachable again: {original}"
        record.args = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def recovered(self) -> None:
        if self.down_since is None:
            return
        outage = round(time.monotonic() - self.down_since, 1)
        log.warning(
            "Kafka reachable again",
            extra={"outage_seconds": outage, "errors_not_logged": self.dropped},
        )
        self.down_since, self.dropped = None, 0


OUTAGES = OutageLog()


def quiet_outages() -> OutageLog:
    """Install the process's one `OutageLog` on aiokafka's loggers (idempotent)."""
    for name in AIOKAFKA_LOGGERS:
        logger = logging.getLogger(name)
        if OUTAGES not in logger.filters:
            logger.addFilter(OUTAGES)
    return OUTAGES
