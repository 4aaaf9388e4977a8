"""The in-app inbox and preferences over real Kafka, FerretDB and gRPC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest

from stint.applications.v1.events_pb2 import ApplicationWithdrawn
from stint.common.v1.pagination_pb2 import PageRequest
from stint.contracts import topics
from stint.kit.clock import SystemClock
from stint.kit.ids import new_id
from stint.kit.testing.clock import ManualClock
from stint.kit.testing.poll import eventually
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceStub

from .conftest import Publisher, as_
from .events import hired, submitted


async def inbox(
    stub: NotificationsServiceStub, metadata: tuple[tuple[str, str], ...], unread_only: bool = False
) -> pb.ListNotificationsResponse:
    request = pb.ListNotificationsRequest(unread_only=unread_only)
    response: pb.ListNotificationsResponse = await stub.ListNotifications(
        request, metadata=metadata
    )
    return response


async def test_events_reach_the_people_they_concern_once(
    stub: NotificationsServiceStub, publisher: Publisher
) -> None:
    company = new_id("cmp")
    hire = hired(company)
    student = as_("student", subject=hire.application.student_id)
    employer = as_("employer", company)
    await publisher.publish(topics.APPLICATIONS, hire, hire.application.id)
    assert publisher.last is not None
    await publisher.republish(publisher.last)  # a redelivery must not notify twice
    application = submitted(company)
    await publisher.publish(topics.APPLICATIONS, application, application.application.id)

    employer_inbox = await eventually(
        lambda: inbox(stub, employer), until=lambda r: r.notifications
    )
    [new_application] = employer_inbox.notifications
    assert new_application.kind == "application.submitted"
    assert "Market scan" in new_application.body
    assert new_application.subject_id == application.application.id
    # The hire came first on the same partition: by now both copies were handled.
    student_inbox = await inbox(stub, student)
    [hired_note] = student_inbox.notifications
    assert (hired_note.kind, hired_note.title) == ("candidate.hired", "You are hired")
    assert student_inbox.unread_count == 1
    assert (await inbox(stub, as_("student", subject=new_id("usr")))).notifications == []


async def test_mark_read_and_mark_all_read(
    stub: NotificationsServiceStub, publisher: Publisher
) -> None:
    company = new_id("cmp")
    employer = as_("employer", company)
    for _ in range(3):
        event = submitted(company)
        await publisher.publish(topics.APPLICATIONS, event, event.application.id)
    listed = await eventually(
        lambda: inbox(stub, employer), until=lambda r: len(r.notifications) == 3
    )
    assert listed.unread_count == 3
    first = listed.notifications[0].id
    one = await stub.MarkNotificationsRead(
        pb.MarkNotificationsReadRequest(notification_ids=[first]), metadata=employer
    )
    assert (one.marked, one.unread_count) == (1, 2)
    unread = await inbox(stub, employer, unread_only=True)
    assert first not in {n.id for n in unread.notifications}
    other = await stub.MarkNotificationsRead(
        pb.MarkNotificationsReadRequest(all=True), metadata=as_("employer", new_id("cmp"))
    )
    assert other.marked == 0
    rest = await stub.MarkNotificationsRead(
        pb.MarkNotificationsReadRequest(all=True), metadata=employer
    )
    assert (rest.marked, rest.unread_count) == (2, 0)
    assert all(n.HasField("read_at") for n in (await inbox(stub, employer)).notifications)
    with pytest.raises(grpc.aio.AioRpcError) as both:
        await stub.MarkNotificationsRead(
            pb.MarkNotificationsReadRequest(notification_ids=[first], all=True), metadata=employer
        )
    assert both.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_preferences_turn_a_kind_off(
    stub: NotificationsServiceStub, publisher: Publisher
) -> None:
    company = new_id("cmp")
    employer = as_("employer", company)
    defaults = await stub.GetPreferences(pb.GetPreferencesRequest(), metadata=employer)
    channels = {p.kind: p.channel for p in defaults.preferences}
    assert channels["application.submitted"] == pb.CHANNEL_IN_APP
    assert channels["work.submitted"] == pb.CHANNEL_EMAIL

    off = pb.Preference(kind="application.submitted", channel=pb.CHANNEL_OFF)
    saved = await stub.SetPreferences(
        pb.SetPreferencesRequest(preferences=[off]), metadata=employer
    )
    assert {p.kind: p.channel for p in saved.preferences}["application.submitted"] == pb.CHANNEL_OFF
    unknown = pb.Preference(kind="nope", channel=pb.CHANNEL_OFF)
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await stub.SetPreferences(
            pb.SetPreferencesRequest(preferences=[unknown]), metadata=employer
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    muted, withdrawn = submitted(company), submitted(company)
    await publisher.publish(topics.APPLICATIONS, muted, "app_same_key")
    # Same key, so handled after the muted one: a withdrawal still notifies.
    withdrawal = ApplicationWithdrawn(
        context=withdrawn.context, application=withdrawn.application, posting_title="Market scan"
    )
    await publisher.publish(topics.APPLICATIONS, withdrawal, "app_same_key")
    listed = await eventually(lambda: inbox(stub, employer), until=lambda r: r.notifications)
    assert [n.kind for n in listed.notifications] == ["application.withdrawn"]


async def test_the_inbox_is_newest_first_by_creation_time_across_pages(
    stub: NotificationsServiceStub, publisher: Publisher
) -> None:
    company = new_id("cmp")
    employer = as_("employer", company)
    now = SystemClock().now()
    # Consumed in this order; the second is a late (e.g. replayed) event an hour older, the
    # third the newest.
    times = [now, now - timedelta(hours=1), now + timedelta(seconds=1)]
    for at in times:
        event = submitted(company)
        await publisher.publish(topics.APPLICATIONS, event, event.application.id, ManualClock(at))
    await eventually(lambda: inbox(stub, employer), until=lambda r: len(r.notifications) == 3)
    seen: list[datetime] = []
    token = ""
    while True:
        request = pb.ListNotificationsRequest(page=PageRequest(page_size=1, page_token=token))
        page = await stub.ListNotifications(request, metadata=employer)
        seen += [n.created_at.ToDatetime(tzinfo=UTC) for n in page.notifications]
        token = page.page.next_page_token
        if not token:
            break
    expected = sorted(at.replace(microsecond=at.microsecond // 1000 * 1000) for at in times)
    assert seen == list(reversed(expected))
