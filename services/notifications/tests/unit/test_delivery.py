"""The delivery use cases with in-memory repositories and a scripted HTTP client."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.protobuf.message import Message as ProtoMessage

from notifications.adapters import wire
from notifications.domain.events import EndpointDisabled
from notifications.domain.model import COMPANY, Endpoint, Message, Owner, Secret, Status, Tenants
from notifications.domain.policy import RetryPolicy
from notifications.handlers import Delivery
from notifications.handlers.ports import Response
from stint.kit.actor import Cause
from stint.kit.errors import AlreadyExists
from stint.kit.testing.clock import ManualClock
from stint.notifications.v1.events_pb2 import WebhookEndpointDisabled

T0 = datetime(2026, 3, 1, tzinfo=UTC)
OWNER = Owner(COMPANY, "cmp_1")


class Endpoints:
    """Like the real repository, turns the events of a save into the emitted ones (wire)."""

    def __init__(self, *endpoints: Endpoint) -> None:
        self.docs = {e.id: e for e in endpoints}
        self.events: list[ProtoMessage] = []

    async def get(self, endpoint_id: str) -> Endpoint | None:
        return self.docs.get(endpoint_id)

    async def save(
        self, e: Endpoint, events: Sequence[EndpointDisabled] = (), cause: Cause | None = None
    ) -> Endpoint:
        saved = replace(e, version=e.version + 1)
        self.docs[e.id] = saved
        self.events += [wire.disabled_event(ev, cause or Cause.system()) for ev in events]
        return saved

    async def enabled_for(self, owners: list[Owner]) -> list[Endpoint]:
        return [e for e in self.docs.values() if e.enabled and e.owner in owners]


class Messages:
    def __init__(self) -> None:
        self.docs: dict[str, Message] = {}
        self.attempts: list[Any] = []

    async def add(self, m: Message) -> None:
        if m.id in self.docs:
            raise AlreadyExists(m.id)
        self.docs[m.id] = m

    async def save(self, m: Message) -> None:
        self.docs[m.id] = m

    async def log(self, a: Any) -> None:
        self.attempts.append(a)


class Client:
    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)
        self.sent: list[dict[str, str]] = []

    async def post(self, url: str, body: str, headers: dict[str, str]) -> Response:
        self.sent.append(headers)
        return self.responses.pop(0)


def endpoint(**changes: Any) -> Endpoint:
    e = Endpoint(
        "whe_1", OWNER, "https://x.example/h", "", (), True, (Secret("whsec_AAAA"),), T0, T0
    )
    return replace(e, **changes)


def setup(e: Endpoint, *responses: Response) -> tuple[Delivery, Endpoints, Messages, ManualClock]:
    clock = ManualClock(T0)
    endpoints, messages = Endpoints(e), Messages()
    retry = RetryPolicy((0.0, 5.0, 60.0), 0.0, 600.0, timedelta(days=5))
    d = Delivery(endpoints, messages, Client(*responses).post, retry, clock)  # type: ignore[arg-type]
    return d, endpoints, messages, clock


async def queued(d: Delivery, messages: Messages) -> Message:
    await d.fan_out("application.submitted", "evt_1", T0, "{}", Tenants(frozenset({"cmp_1"})))
    [m] = messages.docs.values()
    return m


async def test_fan_out_is_idempotent_and_respects_filters() -> None:
    d, _, messages, _ = setup(endpoint(event_types=("candidate.hired", "application.submitted")))
    tenants = Tenants(frozenset({"cmp_1"}))
    assert await d.fan_out("application.submitted", "evt_1", T0, "{}", tenants) == 1
    assert await d.fan_out("application.submitted", "evt_1", T0, "{}", tenants) == 0
    assert await d.fan_out("payout.paid", "evt_2", T0, "{}", tenants) == 0
    other = Tenants(frozenset({"cmp_2"}))
    assert await d.fan_out("application.submitted", "evt_3", T0, "{}", other) == 0
    [m] = messages.docs.values()
    assert (m.status, m.next_attempt_at, m.event_id) == (Status.PENDING, T0, "evt_1")


async def test_failure_schedules_the_next_attempt_and_starts_the_failure_clock() -> None:
    d, endpoints, messages, _ = setup(endpoint(), Response(500, 10, "oops"))
    await d.attempt(await queued(d, messages))
    [m] = messages.docs.values()
    assert (m.status, m.attempts, m.next_attempt_at) == (
        Status.PENDING,
        1,
        T0 + timedelta(seconds=5),
    )
    assert endpoints.docs["whe_1"].failing_since == T0
    assert messages.attempts[0].response == "oops"


async def test_retry_after_is_honoured_for_503() -> None:
    d, _, messages, _ = setup(endpoint(), Response(503, 10, "", retry_after="120"))
    await d.attempt(await queued(d, messages))
    [m] = messages.docs.values()
    assert m.next_attempt_at == T0 + timedelta(seconds=120)


async def test_success_resets_the_failure_clock() -> None:
    d, endpoints, messages, _ = setup(endpoint(failing_since=T0), Response(204, 3, ""))
    await d.attempt(await queued(d, messages))
    assert endpoints.docs["whe_1"].failing_since is None
    [m] = messages.docs.values()
    assert (m.status, m.next_attempt_at) == (Status.SUCCEEDED, None)


@pytest.mark.parametrize(
    ("failing_since", "status", "reason"),
    [(None, 410, "410"), (T0 - timedelta(days=5), 500, "too long")],
)
async def test_gone_or_failing_for_too_long_disables_and_emits(
    failing_since: datetime | None, status: int, reason: str
) -> None:
    d, endpoints, messages, _ = setup(
        endpoint(failing_since=failing_since), Response(status, 1, "")
    )
    await d.attempt(await queued(d, messages))
    disabled = endpoints.docs["whe_1"]
    assert not disabled.enabled
    assert reason in disabled.disabled_reason
    [event] = endpoints.events
    assert isinstance(event, WebhookEndpointDisabled)
    assert (event.endpoint_id, event.owner_id) == ("whe_1", "cmp_1")


async def test_the_schedule_running_out_fails_the_message() -> None:
    d, _, messages, _ = setup(endpoint(), *[Response(0, 0, "", "timed out")] * 3)
    m = await queued(d, messages)
    for _ in range(3):
        await d.attempt(messages.docs[m.id])
    final = messages.docs[m.id]
    assert (final.status, final.attempts, final.next_attempt_at) == (Status.FAILED, 3, None)


async def test_a_message_of_a_disabled_endpoint_is_abandoned_without_a_request() -> None:
    d, endpoints, messages, _ = setup(endpoint())
    m = await queued(d, messages)
    endpoints.docs["whe_1"] = endpoint(enabled=False)
    await d.attempt(m)
    assert messages.docs[m.id].status == Status.FAILED
    assert messages.attempts == []


async def test_a_success_is_stored_before_the_attempt_log_so_a_failing_log_redelivers_nothing() -> (
    None
):
    d, _, messages, _ = setup(endpoint(), Response(204, 3, ""))
    m = await queued(d, messages)

    async def broken_log(a: Any) -> None:
        raise ConnectionError("database gone between the two writes")

    messages.log = broken_log  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await d.attempt(m)
    assert messages.docs[m.id].status == Status.SUCCEEDED, "the delivered webhook would go again"
    assert messages.docs[m.id].next_attempt_at is None
