"""E-mail notifications through a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from stint.contracts import topics
from stint.kit.ids import new_id
from stint.kit.mongo import Database
from stint.kit.testing.poll import eventually
from stint.notifications.v1 import notifications_service_pb2 as pb
from stint.notifications.v1.notifications_service_pb2_grpc import NotificationsServiceStub

from .conftest import Publisher, Start, as_, stub_for
from .events import hired


class Mailbox:
    """Accepts mail after refusing the first `failures` deliveries with a transient error."""

    def __init__(self) -> None:
        self.received: list[Message] = []
        self.failures = 0
        self.refused = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refused < self.failures:
            self.refused += 1
            return "451 4.3.0 try again later"
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def hire_a_student_with_an_address(
    stub: NotificationsServiceStub, publisher: Publisher
) -> tuple[tuple[str, str], ...]:
    """A student who gave an e-mail address is hired (the kind defaults to e-mail); returns
    the student's call metadata."""
    hire = hired(new_id("cmp"))
    student = as_("student", subject=hire.application.student_id)
    await stub.SetPreferences(pb.SetPreferencesRequest(email="ada@example.com"), metadata=student)
    await publisher.publish(topics.APPLICATIONS, hire, hire.application.id)
    return student


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox, port = Mailbox(), _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.mark.parametrize("failures", [0, 2])
async def test_email_is_sent_from_the_template_and_retried(
    start_service: Start, publisher: Publisher, smtp: tuple[Mailbox, int], failures: int
) -> None:
    mailbox, port = smtp
    mailbox.failures = failures
    runner = await start_service(
        smtp_host="127.0.0.1", smtp_port=port, email_schedule_seconds=(0.0, 0.1, 0.1, 0.1)
    )
    channel, stub = stub_for(runner)
    async with channel:
        student = await hire_a_student_with_an_address(stub, publisher)

        [mail] = await eventually(lambda: mailbox.received, what="e-mail")
        assert mail["To"] == "ada@example.com"
        assert mail["Subject"] == "[Stint] You are hired"
        assert "You were hired for “Market scan”." in mail.get_payload(decode=True).decode()
        assert mailbox.refused == failures
        listed = await stub.ListNotifications(pb.ListNotificationsRequest(), metadata=student)
        assert [n.kind for n in listed.notifications] == ["candidate.hired"]


async def test_a_dead_smtp_server_never_blocks_the_inbox(
    start_service: Start, publisher: Publisher, mongo_db: Database
) -> None:
    runner = await start_service(  # nobody listens on that port
        smtp_host="127.0.0.1", smtp_port=_free_port(), email_schedule_seconds=(0.0, 0.1, 60.0)
    )
    channel, stub = stub_for(runner)
    async with channel:
        student = await hire_a_student_with_an_address(stub, publisher)
        listed = await eventually(
            lambda: stub.ListNotifications(pb.ListNotificationsRequest(), metadata=student),
            until=lambda r: r.notifications,
        )
        assert listed.unread_count == 1
        # Meanwhile the e-mail is being retried, its failures recorded.
        email = await eventually(
            lambda: mongo_db["emails"].find_one({}), until=lambda d: d and d["attempts"] >= 2
        )
        assert email["status"] == "pending"
        assert email["last_error"]
