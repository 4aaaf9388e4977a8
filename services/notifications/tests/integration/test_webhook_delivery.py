"""Webhooks end to end: Kafka event → FerretDB schedule → signed POST to a real receiver."""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest
from standardwebhooks import Webhook

from notifications.entrypoints.grpc import UPDATABLE
from stint.contracts import topics
from stint.kit.envelope import Envelope
from stint.kit.grpc import field_violations_from_error
from stint.kit.ids import new_id
from stint.kit.testing.kafka import read_all
from stint.kit.testing.poll import eventually
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.events_pb2 import WebhookEndpointDisabled
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceStub

from .conftest import Publisher, Receiver, Start, as_, stub_for
from .events import hired, submitted


async def create(
    stub: NotificationsServiceStub, company: str, url: str, *types: str
) -> pb.CreateWebhookEndpointResponse:
    request = pb.CreateWebhookEndpointRequest(url=url, description="ATS", event_types=types)
    response: pb.CreateWebhookEndpointResponse = await stub.CreateWebhookEndpoint(
        request, metadata=as_("employer", company)
    )
    return response


async def messages_of(
    stub: NotificationsServiceStub, company: str, endpoint_id: str
) -> list[pb.WebhookMessage]:
    request = pb.ListWebhookMessagesRequest(endpoint_id=endpoint_id)
    response = await stub.ListWebhookMessages(request, metadata=as_("employer", company))
    return list(response.messages)


async def attempts_of(
    stub: NotificationsServiceStub, company: str, message_id: str
) -> list[pb.DeliveryAttempt]:
    request = pb.ListDeliveryAttemptsRequest(message_id=message_id)
    response = await stub.ListDeliveryAttempts(request, metadata=as_("employer", company))
    return list(response.attempts)


async def test_event_reaches_subscribed_endpoint_with_a_valid_signature(
    stub: NotificationsServiceStub, receiver: Receiver, publisher: Publisher
) -> None:
    company = new_id("cmp")
    url = receiver.url("/ats", 200)
    created = await create(stub, company, url, "application.submitted")
    assert created.secret.startswith("whsec_")

    event = submitted(company)
    event_id = await publisher.publish(topics.APPLICATIONS, event, event.application.id)

    [got] = await eventually(lambda: receiver.at("/ats"), what="delivery")
    payload = Webhook(created.secret).verify(got.body, got.headers)
    assert payload["type"] == "application.submitted"
    assert payload["data"]["application"]["company_id"] == company  # REST's spelling
    assert payload["data"]["posting_title"] == "Market scan"
    assert got.headers["webhook-signature"].startswith("v1,")
    [message] = await eventually(
        lambda: messages_of(stub, company, created.endpoint.id),
        until=lambda ms: bool(ms) and ms[0].status == pb.MESSAGE_STATUS_SUCCEEDED,
    )
    assert message.id == got.headers["webhook-id"]
    assert message.event_id == event_id
    [attempt] = await attempts_of(stub, company, message.id)
    assert (attempt.status_code, attempt.succeeded) == (200, True)
    assert attempt.response == "status 200"


async def test_a_failing_receiver_gets_the_same_message_id_on_each_retry(
    stub: NotificationsServiceStub, receiver: Receiver, publisher: Publisher
) -> None:
    company = new_id("cmp")
    created = await create(stub, company, receiver.url("/flaky", 500, 503, 200))
    event = submitted(company)
    await publisher.publish(topics.APPLICATIONS, event, event.application.id)

    got = await eventually(lambda: receiver.at("/flaky"), until=lambda r: len(r) == 3)
    assert len({r.headers["webhook-id"] for r in got}) == 1
    assert len({r.body for r in got}) == 1
    for r in got:
        Webhook(created.secret).verify(r.body, r.headers)
    [message] = await eventually(
        lambda: messages_of(stub, company, created.endpoint.id),
        until=lambda ms: bool(ms) and ms[0].status == pb.MESSAGE_STATUS_SUCCEEDED,
    )
    attempts = await attempts_of(stub, company, message.id)
    assert [a.status_code for a in attempts] == [200, 503, 500]  # newest first
    assert attempts[1].HasField("next_attempt_at")
    assert not attempts[0].HasField("next_attempt_at")
    assert message.attempts == 3


async def test_after_a_rotation_both_secrets_verify(
    stub: NotificationsServiceStub, receiver: Receiver, publisher: Publisher
) -> None:
    company = new_id("cmp")
    created = await create(stub, company, receiver.url("/rotated", 200))
    rotated = await stub.RotateWebhookSecret(
        pb.RotateWebhookSecretRequest(endpoint_id=created.endpoint.id),
        metadata=as_("employer", company),
    )
    assert rotated.secret != created.secret
    event = submitted(company)
    await publisher.publish(topics.APPLICATIONS, event, event.application.id)

    [got] = await eventually(lambda: receiver.at("/rotated"), what="delivery")
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(created.secret).verify(got.body, got.headers)
    Webhook(rotated.secret).verify(got.body, got.headers)


async def test_events_of_other_tenants_and_unsubscribed_types_are_not_sent(
    stub: NotificationsServiceStub, receiver: Receiver, publisher: Publisher
) -> None:
    company, other = new_id("cmp"), new_id("cmp")
    created = await create(stub, company, receiver.url("/mine", 200), "application.submitted")
    theirs, unsubscribed, mine = submitted(other), hired(company), submitted(company)
    # One key, one partition: the last event is handled after the first two.
    key = new_id("app")
    await publisher.publish(topics.APPLICATIONS, theirs, key)
    await publisher.publish(topics.APPLICATIONS, unsubscribed, key)
    await publisher.publish(topics.APPLICATIONS, mine, key)

    [got] = await eventually(lambda: receiver.at("/mine"), what="delivery")
    assert json.loads(got.body)["data"]["application"]["id"] == mine.application.id
    [message] = await messages_of(stub, company, created.endpoint.id)
    assert message.id == got.headers["webhook-id"]


async def test_a_410_disables_the_endpoint_and_tells_its_owner(
    stub: NotificationsServiceStub,
    receiver: Receiver,
    publisher: Publisher,
    kafka_bootstrap: str,
    prefix: str,
) -> None:
    company = new_id("cmp")
    created = await create(stub, company, receiver.url("/gone", 410))
    event = submitted(company)
    await publisher.publish(topics.APPLICATIONS, event, event.application.id)

    request = pb.GetWebhookEndpointRequest(endpoint_id=created.endpoint.id)
    got = await eventually(
        lambda: stub.GetWebhookEndpoint(request, metadata=as_("employer", company)),
        until=lambda r: not r.endpoint.enabled,
    )
    assert "410" in got.endpoint.disabled_reason
    records = await eventually(
        lambda: read_all(kafka_bootstrap, prefix + topics.NOTIFICATIONS), what="disabled event"
    )
    envelope = Envelope.from_record(
        records[0].topic, records[0].key, records[0].value, records[0].headers
    )
    disabled = WebhookEndpointDisabled.FromString(envelope.data)
    assert (disabled.endpoint_id, disabled.owner_kind, disabled.owner_id) == (
        created.endpoint.id,
        "company",
        company,
    )
    assert envelope.key == created.endpoint.id
    [message] = await messages_of(stub, company, created.endpoint.id)
    assert message.status == pb.MESSAGE_STATUS_FAILED
    assert len(receiver.at("/gone")) == 1


async def test_an_endpoint_failing_for_too_long_is_disabled(
    start_service: Start, receiver: Receiver, publisher: Publisher
) -> None:
    runner = await start_service(
        webhook_disable_after_seconds=0.3, webhook_schedule_seconds=(0.0, 0.2, 0.2, 0.2, 0.2)
    )
    channel, stub = stub_for(runner)
    async with channel:
        company = new_id("cmp")
        created = await create(stub, company, receiver.url("/down", 500))
        event = submitted(company)
        await publisher.publish(topics.APPLICATIONS, event, event.application.id)
        request = pb.GetWebhookEndpointRequest(endpoint_id=created.endpoint.id)
        got = await eventually(
            lambda: stub.GetWebhookEndpoint(request, metadata=as_("employer", company)),
            until=lambda r: not r.endpoint.enabled,
        )
        assert got.endpoint.disabled_reason == "failing for too long"
        assert 2 <= len(receiver.at("/down")) <= 5


def test_update_paths_cover_the_endpoint_fields() -> None:
    assert set(UPDATABLE) <= set(pb.UpdateWebhookEndpointRequest.DESCRIPTOR.fields_by_name)


async def test_a_private_address_is_refused_when_loopback_is_not_allowed(
    start_service: Start, receiver: Receiver, publisher: Publisher
) -> None:
    runner = await start_service(webhook_allow_loopback=False)
    channel, stub = stub_for(runner)
    async with channel:
        company = new_id("cmp")
        literal = receiver.url("/private", 200)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await create(stub, company, literal)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        [violation] = field_violations_from_error(refused.value)
        assert violation.field == "url"
        assert "loopback" in violation.description

        # A name is resolved at connect time, and what it resolves to is refused.
        created = await create(stub, company, literal.replace("127.0.0.1", "localhost"))
        event = submitted(company)
        await publisher.publish(topics.APPLICATIONS, event, event.application.id)
        [message] = await eventually(lambda: messages_of(stub, company, created.endpoint.id))
        attempts = await eventually(lambda: attempts_of(stub, company, message.id))
        assert attempts[-1].status_code == 0
        assert attempts[-1].error.startswith("refused")
        assert "loopback" in attempts[-1].error
        assert receiver.at("/private") == []


async def test_a_slow_endpoint_does_not_delay_another(
    stub: NotificationsServiceStub, receiver: Receiver, publisher: Publisher
) -> None:
    slow, fast = new_id("cmp"), new_id("cmp")
    receiver.gates["/slow"] = asyncio.Event()
    await create(stub, slow, receiver.url("/slow", 200))
    await create(stub, fast, receiver.url("/fast", 200))
    try:
        for company in (slow, slow, slow, fast):
            event = submitted(company)
            await publisher.publish(topics.APPLICATIONS, event, "app_one_partition")
        await eventually(lambda: receiver.at("/fast"), what="fast endpoint served")
        assert len(receiver.at("/slow")) >= 1  # stuck in flight meanwhile
    finally:
        receiver.gates["/slow"].set()
    await eventually(lambda: receiver.at("/slow"), until=lambda r: len(r) == 3)
