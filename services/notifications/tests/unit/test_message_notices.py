"""Conversation messages in the inbox: the other side is told, never the author; an admin's
message (in a dispute) tells both; the webhook type exists."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notifications.adapters.catalogue import TYPE_NAMES
from notifications.adapters.wire import inbox_event
from notifications.domain.inbox import RULES, Channel, recipients, text
from stint.applications.v1 import conversation_pb2 as cpb
from stint.applications.v1 import events_pb2 as ev
from stint.kit.envelope import Envelope

T = datetime(2026, 3, 1, tzinfo=UTC)


def created(author_role: int) -> ev.MessageCreated:
    conversation = cpb.Conversation(
        id="cnv_1", posting_title="Market scan", student_id="usr_1", company_id="cmp_1"
    )
    message = cpb.ConversationMessage(id="cvm_1", number=1, author_role=author_role, text="hi")
    return ev.MessageCreated(conversation=conversation, message=message)


@pytest.mark.parametrize(
    ("author", "told"),
    [
        (cpb.AUTHOR_ROLE_EMPLOYER, ["student:usr_1"]),
        (cpb.AUTHOR_ROLE_STUDENT, ["company:cmp_1"]),
        (cpb.AUTHOR_ROLE_ADMIN, ["student:usr_1", "company:cmp_1"]),
    ],
)
def test_the_other_side_hears_of_a_message(author: int, told: list[str]) -> None:
    envelope = Envelope("evt_1", "t", "/stint/applications", "cnv_1", T, "topic", "cnv_1", b"")
    got = inbox_event("message.created", created(author), envelope)
    assert recipients(got) == told
    assert "Market scan" in text(got)[1]
    assert got.subject_id == "cnv_1"


def test_the_webhook_type_and_its_default_channel() -> None:
    assert "message.created" in TYPE_NAMES
    assert RULES["message.created"].default is Channel.EMAIL
