"""aiokafka's connection errors during a broker outage: one warning in, one warning out."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from stint.kit.topics_admin import OUTAGES, quiet_outages


@pytest.fixture
def outages(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    quiet_outages()
    caplog.set_level(logging.DEBUG)
    yield caplog
    OUTAGES.recovered()


def test_an_outage_logs_one_warning_when_it_starts_and_one_when_it_ends(
    outages: pytest.LogCaptureFixture,
) -> None:
    client = logging.getLogger("aiokafka.client")
    fetcher = logging.getLogger("aiokafka.consumer.fetcher")
    for _ in range(5):
        client.error("Unable connect to node with id %s: %s", 1, "Connection refused")
        fetcher.error("Failed fetch messages from %s: %s", 1, "KafkaConnectionError")

    [started] = outages.records
    assert started.levelno == logging.WARNING
    assert started.getMessage().startswith("Kafka unreachable")
    assert "Unable connect to node with id 1: Connection refused" in started.getMessage()
    assert OUTAGES.down

    OUTAGES.recovered()
    OUTAGES.recovered()  # only once

    [_, ended] = outages.records
    assert (ended.levelno, ended.getMessage()) == (logging.WARNING, "Kafka reachable again")
    assert ended.__dict__["errors_not_logged"] == 9
    assert not OUTAGES.down

    client.error("Unable connect to node with id %s: %s", 1, "Connection refused")
    assert len(outages.records) == 3  # a new outage is reported again


def test_other_aiokafka_messages_pass_and_commit_failures_are_warnings(
    outages: pytest.LogCaptureFixture,
) -> None:
    coordinator = logging.getLogger("aiokafka.consumer.group_coordinator")
    coordinator.warning("Heartbeat failed for group %s because it is rebalancing", "g")
    coordinator.warning("Heartbeat failed for group %s because it is rebalancing", "g")
    coordinator.error(
        "OffsetCommit failed for group %s due to group error (%s), will rejoin", "g", "x"
    )

    levels = [(r.levelno, r.getMessage()[:20]) for r in outages.records]
    assert levels == [
        (logging.WARNING, "Heartbeat failed for"),
        (logging.WARNING, "Heartbeat failed for"),
        (logging.WARNING, "OffsetCommit failed "),
    ]
    assert not OUTAGES.down  # a rebalance is not an outage
