"""Timer entrypoint: due webhook messages and due e-mails.

Webhooks are delivered concurrently with a per-endpoint limit: the kit's TimerWorker claims
one due message at a time (pushing its due time forward by a lease, so a crashed attempt is
retried); the attempt itself runs as a task of the `Dispatcher`, so one slow endpoint (up to
the 15 s timeout) never holds back the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict, deque
from dataclasses import replace
from datetime import timedelta

from notifications.adapters.inbox_repository import email_from_doc
from notifications.adapters.repository import DUE_FIELD, message_from_doc
from notifications.domain.model import Message
from notifications.handlers import Delivery, Mail
from stint.kit.mongo import Document
from stint.kit.outbox import OutboxCollection
from stint.kit.timers import DueTimer

log = logging.getLogger(__name__)
# When an endpoint is at its concurrency limit, its next due message waits this long.
BUSY_DELAY = timedelta(seconds=1)


def timers(
    dispatcher: Dispatcher,
    messages: OutboxCollection,
    mail: Mail,
    emails: OutboxCollection,
    *,
    attempt_timeout: float,
) -> list[DueTimer]:
    """`webhook-delivery` (due messages, to the dispatcher) and `email-delivery` (due e-mails,
    one SMTP attempt each). The composition root runs each on its own worker, so a slow SMTP
    server never delays webhooks."""
    # The lease outlasts one attempt (its timeout) so that a running attempt is not re-claimed.
    lease = timedelta(seconds=attempt_timeout * 2 + 30)

    async def send_email(doc: Document) -> None:
        await mail.attempt(email_from_doc(doc))

    return [
        DueTimer("webhook-delivery", messages, DUE_FIELD, dispatcher.on_due, lease),
        DueTimer("email-delivery", emails, DUE_FIELD, send_email),
    ]


class Dispatcher:
    """Runs claimed attempts as tasks, at most `per_endpoint` at a time per endpoint.

    A message claimed while its endpoint is busy waits in memory (at most 2 x the limit per
    endpoint, so that it starts within its claim's lease: 2 rounds of attempts, each bounded by
    the timeout); beyond that it is put back in the database for a moment.
    """

    def __init__(self, delivery: Delivery, per_endpoint: int) -> None:
        self._delivery = delivery
        self._limit = per_endpoint
        self._busy: Counter[str] = Counter()
        self._in_flight: set[str] = set()
        self._waiting: dict[str, deque[Message]] = defaultdict(deque)
        self._held: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._draining = False

    async def on_due(self, doc: Document) -> None:
        """Timer `webhook-delivery`: start an attempt for a claimed message, hold it until a
        slot frees when its endpoint is busy, or put it back when too many already wait."""
        m = message_from_doc(doc)
        if m.id in self._in_flight or m.id in self._held:
            return  # already ours; the claim's lease keeps other replicas off it
        if self._busy[m.endpoint_id] < self._limit:
            self._start(m)
        elif len(self._waiting[m.endpoint_id]) < 2 * self._limit:
            self._waiting[m.endpoint_id].append(m)
            self._held.add(m.id)
        else:
            later = self._delivery.now() + BUSY_DELAY
            await self._delivery.messages.save(replace(m, next_attempt_at=later))

    def _start(self, m: Message) -> None:
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
            self._next(m.endpoint_id)

    def _next(self, endpoint_id: str) -> None:
        waiting = self._waiting.get(endpoint_id)
        if waiting and not self._draining:
            nxt = waiting.popleft()
            self._held.discard(nxt.id)
            self._start(nxt)
        if not waiting:
            self._waiting.pop(endpoint_id, None)

    async def drain(self, timeout: float) -> None:
        """Let running attempts finish (bounded); what is cancelled or still waiting is
        retried when its claim's lease runs out."""
        self._draining = True
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
