"""A loopback webhook receiver: records when each engagement's `submission.approved` arrived.

Signatures are not verified here (the e2e suite does that); the bench only times delivery.
"""

from __future__ import annotations

import asyncio
import json
import time

from aiohttp import web


class Receiver:
    def __init__(self) -> None:
        self._arrived: dict[str, float] = {}
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.received = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only on the asyncio server
        assert isinstance(server, asyncio.Server)
        self.port = int(server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def arrival(self, engagement_id: str, timeout: float) -> float:
        """perf_counter() time at which this engagement's approval webhook arrived."""
        if engagement_id in self._arrived:
            return self._arrived[engagement_id]
        waiter = self._waiters.setdefault(engagement_id, asyncio.get_running_loop().create_future())
        return await asyncio.wait_for(asyncio.shield(waiter), timeout)

    async def _hook(self, request: web.Request) -> web.Response:
        now = time.perf_counter()
        self.received += 1
        body = json.loads(await request.read())
        engagement_id = str(body.get("data", {}).get("engagement", {}).get("id", ""))
        if body.get("type") == "submission.approved" and engagement_id not in self._arrived:
            self._arrived[engagement_id] = now
            waiter = self._waiters.get(engagement_id)
            if waiter is not None and not waiter.done():
                waiter.set_result(now)
        return web.Response(status=204)
