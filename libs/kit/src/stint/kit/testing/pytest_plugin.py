"""Pytest fixtures for tests against the real broker and database (see `infra.py`).

Tests in an ``integration/`` or ``e2e/`` folder are marked automatically, so
``pytest -m "not integration and not e2e"`` runs only the fast unit tests.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from stint.kit.mongo import Database, MongoClient, create_mongo_client
from stint.kit.testing import identity as _identity  # noqa: F401 - sets the test key pair
from stint.kit.testing.infra import Infra, start_infra, stop_infra


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = item.path.parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    """Kafka and the MongoDB-wire server, once per test session."""
    started = start_infra()
    yield started
    stop_infra(started)


@pytest.fixture(scope="session")
def kafka_bootstrap(infra: Infra) -> str:
    return infra.kafka_bootstrap


@pytest.fixture(scope="session")
async def mongo_client(infra: Infra) -> AsyncIterator[MongoClient]:
    client = create_mongo_client(infra.mongo_uri, app_name="stint-tests")
    yield client
    await client.close()


@pytest.fixture
async def mongo_db(mongo_client: MongoClient) -> AsyncIterator[Database]:
    """A database of its own for each test, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    yield mongo_client[name]
    await mongo_client.drop_database(name)


@pytest.fixture
def unique() -> str:
    """A short random token for topic names, ids and consumer groups private to one test."""
    return uuid.uuid4().hex[:10]
