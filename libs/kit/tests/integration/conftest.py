"""Fixtures for the kit's integration tests: a connected broker and an outbox collection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from faststream.kafka import KafkaBroker

from stint.kit.bus import KafkaEventPublisher, create_broker
from stint.kit.clock import SystemClock
from stint.kit.docguard import DocumentGuard, guard_for
from stint.kit.mongo import Database
from stint.kit.outbox import OutboxCollection
from stint.kit.relay import OutboxRelay


@pytest.fixture
async def broker(kafka_bootstrap: str, unique: str) -> AsyncIterator[KafkaBroker]:
    broker = create_broker(kafka_bootstrap, client_id=f"kit-test-{unique}")
    await broker.connect()
    yield broker
    await broker.stop()


@pytest.fixture
def topic(unique: str) -> str:
    return f"test.kit.{unique}"


@pytest.fixture
async def guard(mongo_db: Database) -> DocumentGuard:
    """The write guard this server needs (a lock on FerretDB, none on MongoDB)."""
    return await guard_for(mongo_db, SystemClock())


@pytest.fixture
def widgets(mongo_db: Database, guard: DocumentGuard) -> OutboxCollection:
    return OutboxCollection(mongo_db["widgets"], SystemClock(), guard=guard)


@pytest.fixture
def relay(broker: KafkaBroker, widgets: OutboxCollection) -> OutboxRelay:
    publisher = KafkaEventPublisher(broker)
    return OutboxRelay(
        "kit-test", [widgets.collection], publisher, SystemClock(), guard=widgets.guard
    )
