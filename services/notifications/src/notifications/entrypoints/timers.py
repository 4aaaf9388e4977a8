"""Timer entrypoint: due webhook messages, delivered concurrently with a per-endpoint limit.

The kit's TimerWorker claims one due message at a time (pushing its due time forward by a
lease, so a crashed attempt is retried); the attempt itself runs as a task here, so one slow
endpoint (up to the 15 s timeout) never holds back the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import replace
from datetime import timedelta

from notifications.adapters.repository import message_from_doc
from notifications.delivery import Delivery
from notifications.domain.model import Message
from stint.kit.mongo import Document

log = logging.getLogger(__name__)
# When an endpoint is at its concurrency limit, its next due message waits this long.
BUSY_DELAY = timedelta(seconds=1)


class Dispatcher:
    def __init__(self, delivery: Delivery, per_endpoint: int) -> None:
        self._delivery = delivery
        self._limit = per_endpoint
        self._busy: Counter[str] = Counter()
        self._in_flight: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def on_due(self, doc: Document) -> None:
        """Timer `webhook-delivery`: start an attempt for a claimed message, or put it back
        for a moment when its endpoint already has `per_endpoint` attempts in flight."""
        m = message_from_doc(doc)
        if m.id in self._in_flight:
            return  # still running here; the claim's lease keeps others off it
        if self._busy[m.endpoint_id] >= self._limit:
            later = self._delivery.now() + BUSY_DELAY
            await self._delivery.messages.save(replace(m, next_attempt_at=later))
            return
        self._busy[m.endpoint_id] += 1
        self._in_flight.add(m.id)
        task = asyncio.create_task(self._run(m), name=f"webhook-{m.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, m: Message) -> None:
        try:
            await self._delivery.attempt(m)
        except Exception:  # the lease runs out and the attempt is made again
            log.exception("webhook attempt failed", extra={"message_id": m.id})
        finally:
            self._busy[m.endpoint_id] -= 1
            if self._busy[m.endpoint_id] <= 0:
                del self._busy[m.endpoint_id]
            self._in_flight.discard(m.id)

    async def drain(self, timeout: float) -> None:
        """Let running attempts finish (bounded); what is cancelled is retried after its lease."""
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
