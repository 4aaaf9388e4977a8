"""One process per service: start its parts in order, stop them in reverse on SIGTERM.

Start: database and broker connections, the ops HTTP server (so /healthz answers at once),
the outbox relay, timers, the Kafka consumer, then gRPC; /readyz turns green last. Stop: not
ready, gRPC drains in-flight calls, timers stop, the consumer lets running records finish within
the grace (and commits them), the relay drains and sweeps once more, then connections close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Coroutine, Mapping
from typing import Any, Protocol

from faststream.kafka import KafkaBroker

from stint.kit.consumer import attached
from stint.kit.mongo import MongoClient, ping
from stint.kit.ops_http import OpsServer, ReadinessCheck
from stint.kit.relay import OutboxRelay
from stint.kit.settings import KitSettings
from stint.kit.timers import TimerWorker

log = logging.getLogger(__name__)


class Server(Protocol):
    @property
    def port(self) -> int: ...
    async def start(self) -> None: ...
    async def stop(self, grace: float | None = ...) -> None: ...


class ServiceRunner:
    """Owns the lifecycle of one service's components (all optional but the connections)."""

    def __init__(
        self,
        settings: KitSettings,
        *,
        mongo: MongoClient,
        broker: KafkaBroker,
        grpc_server: Server | None = None,
        relay: OutboxRelay | None = None,
        timers: TimerWorker | None = None,
        extra_checks: Mapping[str, ReadinessCheck] | None = None,
    ) -> None:
        self.settings = settings
        self.mongo = mongo
        self.broker = broker
        self.grpc_server = grpc_server
        self.relay = relay
        self.timers = timers
        checks: dict[str, ReadinessCheck] = {
            "mongodb": self._mongo_ready,
            "kafka": self._kafka_ready,
        }
        self.ops = OpsServer(
            settings.http_host, settings.http_port, checks | dict(extra_checks or {})
        )
        self._tasks: list[asyncio.Task[None]] = []

    async def _mongo_ready(self) -> bool:
        return await ping(self.mongo)

    async def _kafka_ready(self) -> bool:
        return await self.broker.ping(timeout=1.5)

    async def start(self) -> None:
        await self.ops.start()
        await self.broker.connect()
        if self.timers is not None:
            await self.timers.ensure_indexes()
        if self.relay is not None:
            self._spawn(self.relay.run(), "outbox-relay")
        if self.timers is not None:
            self._spawn(self.timers.run(), "timers")
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
        if self.timers is not None:
            self.timers.stop()
        for consumer in attached(self.broker):
            await consumer.stop(grace)
        if self.relay is not None:
            self.relay.stop()
        # Let the relay's last pass and a running timer handler finish; cancel what overstays.
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=max(grace, 1.0))
            for task in late:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
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

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.append(asyncio.create_task(coro, name=name))
