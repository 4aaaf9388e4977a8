"""The small HTTP server every service runs beside gRPC: /metrics, /healthz, /readyz."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[bool]]
# Every check together answers within this: a probe (and an operator) gets a prompt 503 when a
# dependency hangs, not a hung request (probe timeouts are 1-3 s).
CHECK_TIMEOUT_SECONDS = 1.0


class OpsServer:
    """Liveness is "the event loop answers"; readiness runs every check (bounded in time) and
    also requires `ready` to be set by the runner once all components started."""

    def __init__(self, host: str, port: int, checks: Mapping[str, ReadinessCheck]) -> None:
        self.host = host
        self.port = port
        self.ready = False
        self._checks = dict(checks)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # tests ask for any free port; report the one bound
            self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def check(self) -> dict[str, bool]:
        """Run every readiness check concurrently; a check that errs or hangs is a failure."""
        names = list(self._checks)
        results = await asyncio.gather(
            *(asyncio.wait_for(self._checks[n](), CHECK_TIMEOUT_SECONDS) for n in names),
            return_exceptions=True,
        )
        return {n: r is True for n, r in zip(names, results, strict=True)}

    async def _metrics(self, _: web.Request) -> web.Response:
        body = generate_latest()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _readyz(self, _: web.Request) -> web.Response:
        checks = await self.check()
        ok = self.ready and all(checks.values())
        body = {"status": "ready" if ok else "not_ready", "started": self.ready, "checks": checks}
        return web.json_response(body, status=200 if ok else 503)
