"""A rejection notice says why (the employer's reason, or what the automatic answer means);
notices are created at their event's time, so the inbox order agrees with the times shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notifications.adapters.catalogue import TYPE_NAMES
from notifications.adapters.wire import inbox_event
from notifications.domain.inbox import text
from notifications.domain.policy import message_id
from notifications.domain.rejections import MAX_QUOTED
from notifications.handlers.inbox import created_at
from stint.applications.v1 import application_pb2
from stint.applications.v1 import events_pb2 as ev
from stint.kit.envelope import Envelope
from stint.kit.ids import created_ms

T = datetime(2026, 3, 1, 9, 30, 0, 123_456, tzinfo=UTC)


def body_of(reason: str, automatic: bool = False) -> str:
    rejected = ev.ApplicationRejected(
        application=application_pb2.Application(id="app_1", student_id="usr_1"),
        posting_title="Pricing study",
        reason=reason,
        automatic=automatic,
    )
    envelope = Envelope("evt_1", "t", "/stint/applications", "app_1", T, "topic", "app_1", b"")
    return text(inbox_event("application.rejected", rejected, envelope))[1]


def test_the_employers_reason_is_in_the_notice() -> None:
    body = body_of("We went with someone  with SQL experience")
    assert body == (
        "Your application to “Pricing study” was not selected: the employer said “We went "
        "with someone with SQL experience”."
    )
    long = body_of("x" * 1000)
    assert f"“{'x' * (MAX_QUOTED - 1)}…”" in long


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("posting_filled", "every position was filled"),
        ("decision_deadline_passed", "the employer's decision deadline passed"),
        ("university_declined", "your university declined the posting"),
    ],
)
def test_an_automatic_answer_says_what_happened(code: str, words: str) -> None:
    assert body_of(code, automatic=True).endswith(f"was not selected: {words}.")


def test_no_reason_and_unknown_codes_keep_the_plain_notice() -> None:
    plain = "Your application to “Pricing study” was not selected."
    assert body_of("") == plain
    assert body_of("some_new_code", automatic=True) == plain


def test_a_notice_is_created_at_its_events_time_which_its_id_starts_with() -> None:
    at = created_at(T)
    assert at == T.replace(microsecond=123_000)
    ntf = "ntf_" + message_id("evt_1", "student:usr_1", T)[4:]
    assert created_ms(ntf) == int(at.timestamp() * 1000)
    later = "ntf_" + message_id("evt_0", "student:usr_1", T + timedelta(milliseconds=1))[4:]
    assert later > ntf  # newest first by id is newest first by creation time


def test_the_decision_deadline_has_a_webhook_type() -> None:
    assert "posting.decision_deadline_passed" in TYPE_NAMES
