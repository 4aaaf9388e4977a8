"""The real outcomes service against the real broker and database, one per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from outcomes.bootstrap import build
from outcomes.config import Settings
from stint.contracts import topics
from stint.kit.bus import create_broker
from stint.kit.mongo import Database
from stint.outcomes.v1.outcomes_service_pb2_grpc import OutcomesServiceStub

from .support import Harness, K

CONSUMED = (topics.POSTINGS, topics.APPLICATIONS, topics.SUBMISSIONS, topics.PAYOUTS)


async def _create_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [NewTopic(n, num_partitions=3, replication_factor=1) for n in names]
        )
    finally:
        await admin.close()


@pytest.fixture
async def harness(mongo_db: Database, kafka_bootstrap: str, unique: str) -> AsyncIterator[Harness]:
    settings = Settings(
        grpc_port=0,
        http_port=0,
        mongo_database=mongo_db.name,
        kafka_bootstrap=kafka_bootstrap,
        kafka_topic_prefix=f"t{unique}.",
        outcomes_suppression_k=K,
        consumer_backoff_seconds=0.05,
        consumer_backoff_max_seconds=0.2,
    )
    names = {t: settings.topic(t) for t in CONSUMED}
    await _create_topics(kafka_bootstrap, list(names.values()))
    runner = await build(settings)
    broker = create_broker(kafka_bootstrap, client_id=f"test-{unique}")
    await broker.connect()
    await runner.start()
    assert runner.grpc_server is not None
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{runner.grpc_server.port}")
    try:
        yield Harness(OutcomesServiceStub(channel), mongo_db, broker, names)
    finally:
        await channel.close()
        await runner.stop()
        await broker.stop()
