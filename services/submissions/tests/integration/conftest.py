"""Fixtures: one private service per test (database, topic prefix), on the real infra."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from stint.kit.mongo import Database
from stint.kit.runner import ServiceRunner
from stint.kit.testing.infra import Infra

from .support import Env, running, settings_for


@pytest.fixture
def env(infra: Infra, mongo_db: Database, unique: str) -> Env:
    settings = settings_for(infra.kafka_bootstrap, infra.mongo_uri, mongo_db.name, unique)
    return Env(settings, infra.kafka_bootstrap)


@pytest.fixture
async def service(env: Env) -> AsyncIterator[ServiceRunner]:
    async with running(env.settings) as runner:
        yield runner
