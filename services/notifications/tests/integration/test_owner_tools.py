"""Owners' tools over real gRPC: restart safety, redelivery, recovery, test sends, access."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from standardwebhooks import Webhook

from stint.contracts import topics
from stint.kit.grpc import field_violations_from_error
from stint.kit.ids import new_id
from stint.kit.testing.poll import eventually
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceStub

from .conftest import Publisher, Receiver, Start, as_, stub_for
from .events import submitted
from .test_webhook_delivery import attempts_of, create, messages_of


async def test_a_restart_in_the_middle_of_the_schedule_loses_no_delivery(
    start_service: Start, receiver: Receiver, publisher: Publisher
) -> None:
    schedule = {"webhook_schedule_seconds": (0.0, 1.5, 0.2)}
    first = await start_service(**schedule)
    channel, stub = stub_for(first)
    company = new_id("cmp")
    async with channel:
        created = await create(stub, company, receiver.url("/restart", 500, 200))
    event = submitted(company)
    await publisher.publish(topics.APPLICATIONS, event, event.application.id)
    await eventually(lambda: receiver.at("/restart"), what="first attempt")
    await first.stop()
    assert len(receiver.at("/restart")) == 1  # the retry was still pending at the stop

    second = await start_service(**schedule)
    channel, stub = stub_for(second)
    async with channel:
        got = await eventually(lambda: receiver.at("/restart"), until=lambda r: len(r) == 2)
        assert got[0].headers["webhook-id"] == got[1].headers["webhook-id"]
        Webhook(created.secret).verify(got[1].body, got[1].headers)
        await eventually(
            lambda: messages_of(stub, company, created.endpoint.id),
            until=lambda ms: ms[0].status == pb.MESSAGE_STATUS_SUCCEEDED,
        )


async def test_redeliver_recover_and_test_messages(
    start_service: Start, receiver: Receiver, publisher: Publisher
) -> None:
    runner = await start_service(webhook_schedule_seconds=(0.0,))  # one attempt, then failed
    channel, stub = stub_for(runner)
    company = new_id("cmp")
    owner = as_("employer", company)
    async with channel:
        created = await create(stub, company, receiver.url("/tools", 500, 500, 200))
        for _ in range(2):
            event = submitted(company)
            await publisher.publish(topics.APPLICATIONS, event, event.application.id)
        failed = await eventually(
            lambda: messages_of(stub, company, created.endpoint.id),
            until=lambda ms: len(ms) == 2 and all(m.status == pb.MESSAGE_STATUS_FAILED for m in ms),
        )
        since = Timestamp()
        since.FromDatetime(datetime.now(UTC) - timedelta(hours=1))
        recovered = await stub.RecoverFailedWebhookMessages(
            pb.RecoverFailedWebhookMessagesRequest(endpoint_id=created.endpoint.id, since=since),
            metadata=owner,
        )
        assert recovered.recovered == 2
        await eventually(
            lambda: messages_of(stub, company, created.endpoint.id),
            until=lambda ms: all(m.status == pb.MESSAGE_STATUS_SUCCEEDED for m in ms),
        )
        assert len(receiver.at("/tools")) == 4

        redelivered = await stub.RedeliverWebhookMessage(
            pb.RedeliverWebhookMessageRequest(message_id=failed[0].id), metadata=owner
        )
        assert redelivered.message.status == pb.MESSAGE_STATUS_PENDING
        await eventually(
            lambda: attempts_of(stub, company, failed[0].id), until=lambda a: len(a) == 3
        )

        test = await stub.SendTestWebhook(
            pb.SendTestWebhookRequest(endpoint_id=created.endpoint.id), metadata=owner
        )
        got = await eventually(
            lambda: [r for r in receiver.at("/tools") if r.headers["webhook-id"] == test.message.id]
        )
        assert Webhook(created.secret).verify(got[0].body, got[0].headers)["type"] == "webhook.test"


async def test_other_tenants_see_nothing_and_bad_input_names_every_field(
    stub: NotificationsServiceStub, receiver: Receiver
) -> None:
    company = new_id("cmp")
    created = await create(stub, company, receiver.url("/x", 200))
    request = pb.GetWebhookEndpointRequest(endpoint_id=created.endpoint.id)
    with pytest.raises(grpc.aio.AioRpcError) as other:
        await stub.GetWebhookEndpoint(request, metadata=as_("employer", new_id("cmp")))
    assert other.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as student:
        await stub.ListWebhookEndpoints(pb.ListWebhookEndpointsRequest(), metadata=as_("student"))
    assert student.value.code() == grpc.StatusCode.PERMISSION_DENIED
    admin = await stub.GetWebhookEndpoint(request, metadata=as_("admin"))
    assert admin.endpoint.owner_id == company

    bad = pb.CreateWebhookEndpointRequest(
        url="ftp://example.com/", description="d" * 501, event_types=["nope.nothing"]
    )
    with pytest.raises(grpc.aio.AioRpcError) as invalid:
        await stub.CreateWebhookEndpoint(bad, metadata=as_("employer", company))
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    # The proto rules (lengths, the catalogue's types) answer first; then the domain's (scheme).
    fields = {v.field for v in field_violations_from_error(invalid.value)}
    assert fields == {"description", "event_types[0]"}
    bad.description = "d"
    bad.event_types[:] = ["candidate.hired"]
    with pytest.raises(grpc.aio.AioRpcError) as invalid:
        await stub.CreateWebhookEndpoint(bad, metadata=as_("employer", company))
    fields = {v.field for v in field_violations_from_error(invalid.value)}
    assert fields == {"url"}


async def test_endpoints_page_and_event_types_come_with_examples(
    stub: NotificationsServiceStub, receiver: Receiver
) -> None:
    company = new_id("cmp")
    ids = [(await create(stub, company, receiver.url(f"/p{i}", 200))).endpoint.id for i in range(3)]
    owner = as_("employer", company)
    first = await stub.ListWebhookEndpoints(
        pb.ListWebhookEndpointsRequest(page={"page_size": 2}), metadata=owner
    )
    rest = await stub.ListWebhookEndpoints(
        pb.ListWebhookEndpointsRequest(page={"page_token": first.page.next_page_token}),
        metadata=owner,
    )
    listed = [e.id for e in [*first.endpoints, *rest.endpoints]]
    assert listed == ids[::-1]
    assert rest.page.next_page_token == ""

    types = await stub.ListEventTypes(pb.ListEventTypesRequest(), metadata=owner)
    names = {t.name for t in types.event_types}
    assert {
        "application.submitted",
        "candidate.hired",
        "submission.approved",
        "payout.paid",
    } <= names
    hired = next(t for t in types.event_types if t.name == "candidate.hired")
    assert hired.example_body["type"] == "candidate.hired"  # a JSON object, not text
    assert hired.schema["properties"]["type"]["const"] == "candidate.hired"
    assert '"type":"candidate.hired"' in hired.example  # the deprecated text form
    assert "webhook.test" in names
    # Only who can subscribe reads it (the gateway's roles: employer, university, admin).
    await stub.ListEventTypes(pb.ListEventTypesRequest(), metadata=as_("admin"))
    with pytest.raises(grpc.aio.AioRpcError) as student:
        await stub.ListEventTypes(pb.ListEventTypesRequest(), metadata=as_("student", "uni_1"))
    assert student.value.code() == grpc.StatusCode.PERMISSION_DENIED

    disabled = pb.UpdateWebhookEndpointRequest(
        endpoint_id=ids[0], enabled=False, update_paths=["enabled"]
    )
    updated = await stub.UpdateWebhookEndpoint(disabled, metadata=owner)
    assert not updated.endpoint.enabled
    with pytest.raises(grpc.aio.AioRpcError) as precondition:
        await stub.SendTestWebhook(pb.SendTestWebhookRequest(endpoint_id=ids[0]), metadata=owner)
    assert precondition.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    await stub.DeleteWebhookEndpoint(
        pb.DeleteWebhookEndpointRequest(endpoint_id=ids[0]), metadata=owner
    )
    with pytest.raises(grpc.aio.AioRpcError) as gone:
        await stub.GetWebhookEndpoint(
            pb.GetWebhookEndpointRequest(endpoint_id=ids[0]), metadata=owner
        )
    assert gone.value.code() == grpc.StatusCode.NOT_FOUND
