"""The real applications service against the real broker and database, one per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from applications.bootstrap import build
from applications.config import Settings
from stint.applications.v1.applications_service_pb2_grpc import ApplicationsServiceStub
from stint.contracts import topics
from stint.kit.bus import create_broker
from stint.kit.mongo import Database

from .support import Harness


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
        relay_sweep_seconds=0.5,
        consumer_backoff_seconds=0.05,
        consumer_backoff_max_seconds=0.2,
        apply_catch_up_seconds=5.0,  # generous: the machine is shared
    )
    postings_topic = settings.topic(topics.POSTINGS)
    applications_topic = settings.topic(topics.APPLICATIONS)
    await _create_topics(kafka_bootstrap, [postings_topic, applications_topic])
    runner = await build(settings)
    broker = create_broker(kafka_bootstrap, client_id=f"test-{unique}")
    await broker.connect()
    await runner.start()
    assert runner.grpc_server is not None
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{runner.grpc_server.port}")
    try:
        yield Harness(
            runner,
            ApplicationsServiceStub(channel),
            mongo_db,
            broker,
            kafka_bootstrap,
            postings_topic,
            applications_topic,
        )
    finally:
        await channel.close()
        await runner.stop()
        await broker.stop()
