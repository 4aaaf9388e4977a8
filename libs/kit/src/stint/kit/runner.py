"""One process per service: start its parts in order, stop them in reverse on SIGTERM.

Start: the ops HTTP server (so /healthz answers at once), the broker connection, the service's
components in order (the outbox relay first, timer workers, whatever else it runs), the Kafka
consumers, then gRPC; /readyz turns green last. Stop: not ready, gRPC drains in-flight calls,
the consumers let running records finish within the grace (and commit them), the components
stop in reverse order (the relay drains and sweeps once more, last), then connections close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Protocol

from faststream.kafka import KafkaBroker

from stint.kit.consumer import attached
from stint.kit.mongo import MongoClient, ping
from stint.kit.ops_http import OpsServer, ReadinessCheck
from stint.kit.settings import KitSettings

log = logging.getLogger(__name__)


class Server(Protocol):
    @property
    def port(self) -> int: ...
    async def start(self) -> None: ...
    async def stop(self, grace: float | None = ...) -> None: ...


class Component(Protocol):
    """A part of the service the runner starts after the connections and stops before them."""

    async def start(self) -> None: ...
    async def stop(self, grace: float) -> None: ...


class Worker(Protocol):
    """A loop that runs as a task until asked to stop (the relay, a timer worker)."""

    async def run(self) -> None: ...
    def stop(self) -> None: ...


class Background:
    """A `Worker` as a `Component`: indexes first (when it has any), then its loop as a task;
    on stop, ask it to stop and let it finish within the grace, cancelled if it overstays."""

    def __init__(self, worker: Worker, name: str) -> None:
        self.worker = worker
        self.name = name
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        ensure_indexes = getattr(self.worker, "ensure_indexes", None)
        if ensure_indexes is not None:
            await ensure_indexes()
        self._task = asyncio.create_task(self.worker.run(), name=self.name)

    async def stop(self, grace: float) -> None:
        self.worker.stop()
        if self._task is None:
            return
        _, late = await asyncio.wait({self._task}, timeout=max(grace, 1.0))
        for task in late:
            task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None


class OnStop:
    """A component that acts only when the service stops: drain work in flight, close a
    client. `action` gets the grace in seconds."""

    def __init__(self, action: Callable[[float], Awaitable[object]]) -> None:
        self.action = action

    async def start(self) -> None:
        return None

    async def stop(self, grace: float) -> None:
        await self.action(grace)


class ServiceRunner:
    """Owns the lifecycle of one service: its connections, its components, its consumers.

    Start: ops server, broker, each component in order, the consumers, gRPC; then ready. Stop
    (reverse): not ready, gRPC drains, consumers finish their records, each component in
    reverse order (so the relay, listed first, drains last), broker, ops server, database.
    """

    def __init__(
        self,
        settings: KitSettings,
        *,
        mongo: MongoClient,
        broker: KafkaBroker,
        grpc_server: Server | None = None,
        components: Sequence[Component] = (),
        extra_checks: Mapping[str, ReadinessCheck] | None = None,
    ) -> None:
        self.settings = settings
        self.mongo = mongo
        self.broker = broker
        self.grpc_server = grpc_server
        self.components = list(components)
        checks: dict[str, ReadinessCheck] = {
            "mongodb": self._mongo_ready,
            "kafka": self._kafka_ready,
        }
        self.ops = OpsServer(
            settings.http_host, settings.http_port, checks | dict(extra_checks or {})
        )
        self._started: list[Component] = []

    async def _mongo_ready(self) -> bool:
        return await ping(self.mongo)

    async def _kafka_ready(self) -> bool:
        return await self.broker.ping(timeout=1.5)

    async def start(self) -> None:
        await self.ops.start()
        await self.broker.connect()
        for component in self.components:
            await component.start()
            self._started.append(component)
        for consumer in attached(self.broker):
            await consumer.start()
        if self.grpc_server is not None:
            await self.grpc_server.start()
        self.ops.ready = True
        grpc_port = self.grpc_server.port if self.grpc_server is not None else None
        log.info("service started", extra={"grpc_port": grpc_port})

    async def stop(self) -> None:
        self.ops.ready = False
        grace = self.settings.shutdown_grace_seconds
        if self.grpc_server is not None:
            await self.grpc_server.stop(grace)
        for consumer in attached(self.broker):
            await consumer.stop(grace)
        while self._started:
            component = self._started.pop()
            try:
                await component.stop(grace)
            except Exception:  # the others still stop; the connections still close
                log.exception("a component failed to stop", extra={"component": repr(component)})
        await self.broker.stop()
        await self.ops.stop()
        await self.mongo.close()
        log.info("service stopped")

    async def run_until_signalled(self) -> None:
        """`start`, wait for SIGTERM or SIGINT, then `stop` (the process entrypoint)."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await self.start()
            await stop.wait()
        finally:
            with contextlib.suppress(Exception):
                await self.stop()
