"""A whole service process in miniature: `connect()` + `ServiceRunner`, against the real
broker and database; and the ops HTTP server's readiness rules."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import grpc
import pytest
from google.protobuf.wrappers_pb2 import StringValue
from grpc_health.v1 import health_pb2, health_pb2_grpc

from stint.kit import ops_http
from stint.kit.bootstrap import connect
from stint.kit.clock import SystemClock
from stint.kit.envelope import new_envelope
from stint.kit.grpc import grpc_server_for
from stint.kit.mongo import Database, Document
from stint.kit.ops_http import OpsServer, ReadinessCheck
from stint.kit.outbox import OUTBOX, OUTBOX_SINCE
from stint.kit.settings import KitSettings
from stint.kit.testing.infra import Infra
from stint.kit.testing.kafka import headers_of, wait_for_records
from stint.kit.testing.poll import eventually

TIMEOUT = aiohttp.ClientTimeout(total=10)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        yield session


async def get(
    http: aiohttp.ClientSession, port: int, path: str, timeout: float | None = None
) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{port}{path}"
    limit = aiohttp.ClientTimeout(total=timeout) if timeout else TIMEOUT
    async with http.get(url, timeout=limit) as response:
        body = await response.json() if path != "/metrics" else await response.text()
        return response.status, body


async def grpc_health(port: int) -> Any:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        response = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
        return response.status


async def refuses_connections(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError:
        return True
    writer.close()
    await writer.wait_closed()
    return False


# --- the runner ---------------------------------------------------------------------------


async def test_runner_serves_health_readiness_grpc_and_relays_events(
    infra: Infra,
    kafka_bootstrap: str,
    mongo_db: Database,
    unique: str,
    http: aiohttp.ClientSession,
) -> None:
    settings = KitSettings(
        service_name=f"svc_{unique}",
        kafka_bootstrap=kafka_bootstrap,
        mongo_uri=infra.mongo_uri,
        mongo_database=mongo_db.name,
        kafka_topic_prefix=f"t{unique}.",
        http_port=0,
        grpc_port=0,
        # Long enough that only the wake-up after the write can publish within the test.
        relay_sweep_seconds=300,
        shutdown_grace_seconds=2,
    )
    infrastructure = await connect(settings)
    assert infrastructure.db.name == mongo_db.name
    things = infrastructure.aggregate("things")
    grpc_server = grpc_server_for(settings, [])
    runner = infrastructure.runner(grpc_server)
    assert runner.ops.ready is False

    await runner.start()
    stopped = False
    try:
        port = runner.ops.port
        assert port != 0

        assert await get(http, port, "/healthz") == (200, {"status": "ok"})
        status, body = await get(http, port, "/readyz")
        assert (status, body) == (
            200,
            {"status": "ready", "started": True, "checks": {"mongodb": True, "kafka": True}},
        )
        assert grpc_server.port != 0
        assert await grpc_health(grpc_server.port) == health_pb2.HealthCheckResponse.SERVING

        topic = settings.topic("stint.things.v1")
        assert topic == f"t{unique}.stint.things.v1"
        event = new_envelope(
            StringValue(value="made"),
            topic=topic,
            subject="thg_1",
            source=f"/stint/{settings.service_name}",
            clock=SystemClock(),
        )
        await things.insert({"_id": "thg_1", "name": "first"}, [event])

        [record] = await wait_for_records(kafka_bootstrap, topic, count=1)
        assert headers_of(record)["ce_id"] == event.id
        assert headers_of(record)["ce_type"] == "google.protobuf.StringValue"
        assert record.key == b"thg_1"
        assert StringValue.FromString(record.value).value == "made"

        async def current() -> Document | None:
            return await things.get("thg_1")

        def acknowledged(doc: Document | None) -> bool:
            # Two writes: the events are removed, then the empty outbox's marker is cleared.
            return doc is not None and doc[OUTBOX] == [] and OUTBOX_SINCE not in doc

        doc = await eventually(current, until=acknowledged, what="outbox emptied")
        assert doc is not None

        status, metrics = await get(http, port, "/metrics")
        assert status == 200
        assert (
            f'stint_events_published_total{{service="{settings.service_name}",'
            f'topic="{topic}",type="google.protobuf.StringValue"}} 1.0'
        ) in metrics

        await runner.stop()
        stopped = True

        with pytest.raises(aiohttp.ClientConnectorError):
            await get(http, port, "/readyz")
        assert await refuses_connections(grpc_server.port)
        assert runner.ops.ready is False
    finally:
        if not stopped:
            await runner.stop()


# --- readiness rules of the ops server ----------------------------------------------------


class Check:
    """A readiness check whose answer the test sets; `hang` never answers."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.hang = False
        self.raises = False
        self.cancelled = 0

    async def __call__(self) -> bool:
        if self.raises:
            raise ConnectionError("database unreachable")
        if self.hang:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
        return self.answer


@pytest.fixture
async def ops_factory() -> AsyncIterator[Any]:
    started: list[OpsServer] = []

    async def start(checks: dict[str, ReadinessCheck]) -> OpsServer:
        server = OpsServer("127.0.0.1", 0, checks)
        await server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        await server.stop()


async def test_readyz_needs_both_the_started_flag_and_passing_checks(
    ops_factory: Any, http: aiohttp.ClientSession
) -> None:
    db, broker = Check(answer=False), Check()
    ops: OpsServer = await ops_factory({"db": db, "broker": broker})
    assert ops.port != 0
    assert ops.ready is False

    async def readyz() -> tuple[int, Any]:
        return await get(http, ops.port, "/readyz")

    assert await readyz() == (
        503,
        {"status": "not_ready", "started": False, "checks": {"db": False, "broker": True}},
    )
    assert await get(http, ops.port, "/healthz") == (200, {"status": "ok"})  # alive regardless

    db.answer = True  # checks pass, but the runner has not said it started
    status, body = await readyz()
    assert (status, body["started"], body["checks"]) == (503, False, {"db": True, "broker": True})

    ops.ready = True
    assert await readyz() == (
        200,
        {"status": "ready", "started": True, "checks": {"db": True, "broker": True}},
    )

    broker.answer = False  # started, but a dependency went away
    status, body = await readyz()
    assert (status, body["status"], body["checks"]) == (
        503,
        "not_ready",
        {"db": True, "broker": False},
    )

    broker.answer = True
    broker.raises = True  # an error is a failure, not a 500
    status, body = await readyz()
    assert (status, body["checks"]["broker"]) == (503, False)


async def test_a_hanging_check_counts_as_failed(
    ops_factory: Any, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ops_http, "CHECK_TIMEOUT_SECONDS", 0.05)
    slow, fast = Check(), Check()
    slow.hang = True
    ops: OpsServer = await ops_factory({"slow": slow, "fast": fast})
    ops.ready = True

    # The client waits 10 times the patched check timeout, but less than the default one
    # (1 s): an answer at all means the server gave up on the check at the patched timeout.
    assert ops_http.CHECK_TIMEOUT_SECONDS * 10 < 1.0
    status, body = await get(http, ops.port, "/readyz", timeout=0.5)

    assert (status, body["checks"]) == (503, {"slow": False, "fast": True})
    assert slow.cancelled == 1  # the hung check was cancelled, not left running

    slow.hang = False
    assert (await get(http, ops.port, "/readyz"))[0] == 200


async def test_check_must_return_true_itself(ops_factory: Any, http: aiohttp.ClientSession) -> None:
    async def truthy() -> Any:
        return "yes"

    ops: OpsServer = await ops_factory({"truthy": truthy})
    ops.ready = True

    status, body = await get(http, ops.port, "/readyz")

    assert (status, body["checks"]) == (503, {"truthy": False})


async def test_stopped_ops_server_refuses_connections(ops_factory: Any) -> None:
    ops: OpsServer = await ops_factory({})
    port = ops.port
    assert not await refuses_connections(port)

    await ops.stop()

    assert await refuses_connections(port)
