"""A loopback webhook receiver: records when each event the bench waits for arrived, so that a
lifecycle learns that a step is done from the platform itself instead of polling for it.

Signatures are not verified here (the e2e suite does that); the bench only times delivery.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping
from typing import Any

from aiohttp import web

# Event type → where its key is in the payload's `data` (proto field names, as in REST).
KEYS: dict[str, tuple[str, str]] = {
    "posting.published": ("posting", "id"),  # the applications service may take applications
    "engagement.started": ("engagement", "application_id"),  # the intern sees the engagement
    "submission.approved": ("engagement", "id"),
    "payout.paid": ("payout", "engagement_id"),
}
EVENT_TYPES = tuple(KEYS)
Key = tuple[str, str]  # (event type, id)


def key_of(body: Mapping[str, Any]) -> Key | None:
    """(event type, id) of a webhook body, None for an event the bench does not wait for."""
    event = body.get("type")
    if not isinstance(event, str) or event not in KEYS:
        return None
    parent, name = KEYS[event]
    data = body.get("data")
    node = data.get(parent) if isinstance(data, dict) else None
    if not isinstance(node, dict):
        return None
    value = node.get(name)
    return (event, value) if isinstance(value, str) and value else None


class Receiver:
    def __init__(self) -> None:
        self._arrived: dict[Key, float] = {}
        self._waiters: dict[Key, asyncio.Future[float]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.received = 0  # every delivery, also redeliveries and events nobody waits for
        # The webhook-ids each event arrived under: a redelivery repeats its id, a second id
        # for one event means it was queued twice (the chaos suite checks there is none).
        self.webhook_ids: dict[Key, set[str]] = {}

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

    async def arrival(self, event: str, key: str, timeout: float) -> float:
        """perf_counter() time at which this event first arrived; TimeoutError if it did not."""
        if (event, key) in self._arrived:
            return self._arrived[(event, key)]
        loop = asyncio.get_running_loop()
        waiter = self._waiters.setdefault((event, key), loop.create_future())
        return await asyncio.wait_for(asyncio.shield(waiter), max(0.0, timeout))

    def tally(self) -> dict[str, int]:
        """How many distinct events of each awaited type arrived."""
        counts = dict.fromkeys(EVENT_TYPES, 0)
        for event, _ in self._arrived:
            counts[event] += 1
        return counts

    async def wait(self, event: str, key: str, timeout: float) -> bool:
        """Whether the event arrived (now or within `timeout` seconds)."""
        try:
            await self.arrival(event, key, timeout)
        except TimeoutError:
            return False
        return True

    async def _hook(self, request: web.Request) -> web.Response:
        now = time.perf_counter()
        self.received += 1
        try:
            body = json.loads(await request.read())
        except ValueError:
            return web.Response(status=204)
        key = key_of(body) if isinstance(body, dict) else None
        if key is not None:
            self.webhook_ids.setdefault(key, set()).add(request.headers.get("webhook-id", ""))
        if key is not None and key not in self._arrived:
            self._arrived[key] = now
            waiter = self._waiters.pop(key, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(now)
        return web.Response(status=204)
