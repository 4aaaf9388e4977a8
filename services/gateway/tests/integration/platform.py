"""The backend services, built and started in-process on real Kafka and FerretDB, with
private topics and databases: what the gateway talks to in its integration tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import applications.bootstrap
import applications.config
import notifications.bootstrap
import notifications.config
import outcomes.bootstrap
import outcomes.config
import payouts.bootstrap
import payouts.config
import postings.bootstrap
import postings.config
import submissions.bootstrap
import submissions.config
from stint.kit.mongo import MongoClient
from stint.kit.runner import ServiceRunner


@asynccontextmanager
async def backends(mongo: MongoClient, unique: str) -> AsyncIterator[dict[str, str]]:
    """Start the services; yields the gateway's backend address settings."""
    common: dict[str, Any] = {
        "kafka_topic_prefix": f"gw{unique}.",
        "grpc_port": 0,
        "http_port": 0,
        "timer_poll_seconds": 0.1,
        "relay_sweep_seconds": 0.5,
    }
    names = ["postings", "applications", "submissions", "payouts", "notifications", "outcomes"]
    databases = {name: f"gw_{unique}_{name}" for name in names}
    runners: dict[str, ServiceRunner] = {
        "postings": await postings.bootstrap.build(
            postings.config.Settings(mongo_database=databases["postings"], **common)
        ),
        "applications": await applications.bootstrap.build(
            applications.config.Settings(mongo_database=databases["applications"], **common)
        ),
        "submissions": await submissions.bootstrap.build(
            submissions.config.Settings(mongo_database=databases["submissions"], **common)
        ),
        "payouts": await payouts.bootstrap.build(
            payouts.config.Settings(
                mongo_database=databases["payouts"],
                poll_seconds=0.2,
                sandbox_settle_seconds=0,
                retry_base_seconds=0.5,
                **common,
            )
        ),
        "notifications": await notifications.bootstrap.build(
            notifications.config.Settings(
                mongo_database=databases["notifications"], webhook_allow_loopback=True, **common
            )
        ),
        "outcomes": await outcomes.bootstrap.build(
            outcomes.config.Settings(
                mongo_database=databases["outcomes"], outcomes_suppression_k=2, **common
            )
        ),
    }
    started: list[ServiceRunner] = []
    try:
        for runner in runners.values():
            await runner.start()
            started.append(runner)
        yield {
            f"{name}_addr": f"127.0.0.1:{runner.grpc_server.port}"  # type: ignore[union-attr]
            for name, runner in runners.items()
        }
    finally:
        for runner in reversed(started):
            await runner.stop()
        for database in databases.values():
            await mongo.drop_database(database)
