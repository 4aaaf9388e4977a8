"""Use cases of the delivery pipeline: queue messages for an event, make one attempt."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from notifications import metrics
from notifications.domain import policy
from notifications.domain.events import EndpointDisabled
from notifications.domain.model import (
    COMPANY,
    PLATFORM,
    UNIVERSITY,
    Attempt,
    Endpoint,
    Message,
    Owner,
    Status,
    Tenants,
)
from notifications.domain.signing import webhook_headers
from notifications.handlers.ports import EndpointRepository, MessageRepository, Post, Response
from stint.kit import tracing
from stint.kit.actor import Cause
from stint.kit.clock import Clock
from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import AlreadyExists
from stint.kit.ids import new_id


class Delivery:
    def __init__(
        self,
        endpoints: EndpointRepository,
        messages: MessageRepository,
        post: Post,
        retry: policy.RetryPolicy,
        clock: Clock,
    ) -> None:
        self.endpoints = endpoints
        self.messages = messages
        self._post = post
        self.retry = retry
        self._clock = clock

    async def fan_out(
        self, event_type: str, event_id: str, event_time: datetime, body: str, tenants: Tenants
    ) -> int:
        """Consumes a domain event (already in JSON); queues one message per subscribed
        endpoint of a tenant the event concerns. Idempotent: message ids are deterministic.
        Returns how many messages were new."""
        owners = [Owner(PLATFORM, "")]
        owners += [Owner(COMPANY, c) for c in sorted(tenants.companies)]
        owners += [Owner(UNIVERSITY, u) for u in sorted(tenants.universities)]
        queued = 0
        for endpoint in await self.endpoints.enabled_for(owners):
            if endpoint.subscribes_to(event_type) and tenants.concerns(endpoint.owner):
                msg_id = policy.message_id(event_id, endpoint.id, event_time)
                try:
                    message = self.new_message(endpoint, msg_id, event_type, body, event_id)
                    await self.messages.add(message)
                except AlreadyExists:
                    continue  # a redelivered event: queued the first time
                metrics.WEBHOOK_MESSAGES.labels(event_type).inc()
                queued += 1
        return queued

    def now(self) -> datetime:
        return self._clock.now()

    def new_message(
        self, e: Endpoint, msg_id: str, event_type: str, body: str, event_id: str = ""
    ) -> Message:
        now = self._clock.now()
        due = self.retry.next_attempt(0, now, rand=lambda: 0.5)  # the first one: no jitter
        return Message(
            msg_id,
            e.id,
            e.owner,
            event_type,
            event_id,
            body,
            Status.PENDING,
            now,
            0,
            due,
            traceparent=tracing.current_traceparent(),  # the consumed event's span, if any
        )

    async def attempt(self, m: Message) -> None:
        """Timer: one HTTP attempt for a due message; logs it, schedules the next one or
        settles the message, and updates the endpoint's failure clock (may emit
        WebhookEndpointDisabled). Traced as a span of the event's trace."""
        attributes = {
            "webhook.id": m.id,
            "webhook.event_type": m.event_type,
            "webhook.endpoint_id": m.endpoint_id,
            "webhook.attempt": m.attempts + 1,
        }
        with tracing.span(
            "webhook deliver", kind=tracing.CLIENT, parent=m.traceparent, attributes=attributes
        ) as span:
            outcome = await self._attempt(m)
            if span is not None:
                span.set_attribute("webhook.outcome", outcome)
            if outcome != "succeeded":
                tracing.failed(span, outcome)

    async def _attempt(self, m: Message) -> str:
        endpoint = await self.endpoints.get(m.endpoint_id)
        now = self._clock.now()
        if endpoint is None or not endpoint.enabled:
            await self.messages.save(replace(m, status=Status.FAILED, next_attempt_at=None))
            return "endpoint_disabled"
        headers = webhook_headers(
            endpoint.signing_secrets(now), m.id, int(now.timestamp()), m.payload
        )
        resp = await self._post(endpoint.url, m.payload, headers)
        after = self._clock.now()
        ok, gone = 200 <= resp.status < 300, resp.status == 410
        retry_after = None
        if resp.status in policy.RETRY_AFTER_STATUSES:
            retry_after = policy.parse_retry_after(resp.retry_after, after)
        made = m.attempts + 1
        next_at = None if ok or gone else self.retry.next_attempt(made, after, retry_after)
        status = Status.SUCCEEDED if ok else Status.PENDING if next_at else Status.FAILED
        # The outcome first: once it is stored a crash cannot deliver this message again; the
        # attempt's log line and the endpoint's failure clock come after it.
        await self.messages.save(replace(m, status=status, attempts=made, next_attempt_at=next_at))
        await self.messages.log(_attempt_log(m, now, resp, ok, next_at))
        outcome = _outcome(resp, ok, gone, next_at)
        metrics.WEBHOOK_DELIVERIES.labels(outcome).inc()
        tracing.annotate({"http.response.status_code": resp.status})
        if resp.status:
            metrics.WEBHOOK_LATENCY.observe(resp.latency_ms / 1000)
        await self._track_endpoint(endpoint, ok, gone, after)
        return outcome

    async def _track_endpoint(self, read: Endpoint, ok: bool, gone: bool, now: datetime) -> None:
        """A success resets the failure clock; 410 or failing for too long disables (and emits
        WebhookEndpointDisabled). Decides on the endpoint as read for the attempt (usually
        nothing to change: no read); concurrent attempts of one endpoint race on its version,
        and the loser reloads and decides again."""
        as_read: list[Endpoint] = [read]

        async def decide() -> None:
            e = as_read.pop() if as_read else await self.endpoints.get(read.id)
            if e is None or not e.enabled:
                return
            events: list[EndpointDisabled] = []
            if ok:
                if e.failing_since is None:
                    return
                changed = replace(e, failing_since=None)
            elif gone or self.retry.should_disable(e, now):
                reason = "endpoint answered 410 Gone" if gone else "failing for too long"
                changed = replace(e, enabled=False, disabled_reason=reason, updated_at=now)
                events.append(EndpointDisabled(e, reason, now))
            elif e.failing_since is None:
                changed = replace(e, failing_since=now)
            else:
                return
            await self.endpoints.save(changed, events, Cause.system())
            if events:
                metrics.WEBHOOK_ENDPOINTS_DISABLED.labels("gone" if gone else "failing").inc()

        await retry_on_conflict(decide)


def _attempt_log(
    m: Message, at: datetime, resp: Response, ok: bool, next_at: datetime | None
) -> Attempt:
    return Attempt(
        id=new_id("att"),
        message_id=m.id,
        endpoint_id=m.endpoint_id,
        owner=m.owner,
        attempted_at=at,
        status_code=resp.status,
        latency_ms=resp.latency_ms,
        response=resp.body,
        error=resp.error,
        succeeded=ok,
        next_attempt_at=next_at,
    )


def _outcome(resp: Response, ok: bool, gone: bool, next_at: datetime | None) -> str:
    if ok:
        return "succeeded"
    if gone:
        return "gone"
    if resp.error.startswith("refused"):
        return "refused"
    return "retrying" if next_at else "failed"
