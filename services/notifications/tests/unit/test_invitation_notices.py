"""A repeat-hire invitation: the student hears of it in the inbox and by e-mail; the company's
webhook endpoints can subscribe to `student.invited`."""

from __future__ import annotations

from datetime import UTC, datetime

from notifications.adapters.catalogue import TYPE_NAMES, tenants_of
from notifications.adapters.wire import inbox_event
from notifications.domain.inbox import RULES, Channel, recipients, text
from stint.applications.v1 import events_pb2 as ev
from stint.applications.v1 import invitation_pb2 as pb
from stint.kit.envelope import Envelope

T = datetime(2026, 3, 1, tzinfo=UTC)


def invited() -> ev.StudentInvited:
    invitation = pb.Invitation(
        id="ivt_1", posting_title="Pricing study", company_id="cmp_1", student_id="usr_1"
    )
    return ev.StudentInvited(invitation=invitation)


def test_the_student_is_told_by_e_mail_naming_the_posting() -> None:
    envelope = Envelope("evt_1", "t", "/stint/applications", "ivt_1", T, "topic", "ivt_1", b"")
    got = inbox_event("student.invited", invited(), envelope)
    assert recipients(got) == ["student:usr_1"]
    assert "“Pricing study”" in text(got)[1]
    assert got.subject_id == "ivt_1"
    assert RULES["student.invited"].default is Channel.EMAIL


def test_the_webhook_type_exists_and_routes_to_the_company() -> None:
    assert "student.invited" in TYPE_NAMES
    assert tenants_of(invited()).companies == {"cmp_1"}
