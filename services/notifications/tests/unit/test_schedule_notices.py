"""Extensions and milestones in the inbox: the other side hears of a request, the requester of
the answer, the intern of a due milestone, the employer of a check-off; the webhook types
exist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notifications.adapters.catalogue import TYPE_NAMES
from notifications.adapters.wire import inbox_event
from notifications.domain.inbox import recipients, text
from stint.kit.envelope import Envelope
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2 as ev

T = datetime(2026, 3, 1, tzinfo=UTC)
PARTIES = {"student_id": "usr_1", "company_id": "cmp_1", "university_id": "uni_1"}
STUDENT, COMPANY = ["student:usr_1"], ["company:cmp_1"]


def envelope() -> Envelope:
    return Envelope("evt_1", "t", "/stint/submissions", "eng_1", T, "topic", "eng_1", b"")


def engagement() -> pb.Engagement:
    return pb.Engagement(id="eng_1", title="Market scan", **PARTIES)


@pytest.mark.parametrize(
    ("asked_by", "request_told", "answer_told"),
    [(pb.PARTY_STUDENT, COMPANY, STUDENT), (pb.PARTY_EMPLOYER, STUDENT, COMPANY)],
)
def test_a_request_tells_the_other_side_and_its_answer_the_requester(
    asked_by: int, request_told: list[str], answer_told: list[str]
) -> None:
    x = pb.Extension(number=1, requested_by=asked_by)  # type: ignore[arg-type]
    asked = ev.ExtensionRequested(engagement=engagement(), extension=x)
    got = inbox_event("extension.requested", asked, envelope())
    assert recipients(got) == request_told
    assert "Market scan" in text(got)[1]
    withdrawn = ev.ExtensionWithdrawn(engagement=engagement(), extension=x)
    assert recipients(inbox_event("extension.withdrawn", withdrawn, envelope())) == request_told
    for kind, message in (
        ("extension.granted", ev.ExtensionGranted(engagement=engagement(), extension=x)),
        ("extension.declined", ev.ExtensionDeclined(engagement=engagement(), extension=x)),
    ):
        assert recipients(inbox_event(kind, message, envelope())) == answer_told


def test_a_due_milestone_tells_the_intern_and_a_check_off_the_employer() -> None:
    m = pb.Milestone(number=1, title="Outline")
    due = ev.MilestoneDue(engagement=engagement(), milestone=m)
    assert recipients(inbox_event("milestone.due", due, envelope())) == STUDENT
    done = ev.MilestoneCompleted(engagement=engagement(), milestone=m)
    assert recipients(inbox_event("milestone.completed", done, envelope())) == COMPANY


def test_the_webhook_types_exist() -> None:
    new = {"extension.requested", "extension.granted", "extension.declined", "extension.withdrawn"}
    assert new | {"milestone.due", "milestone.completed"} <= TYPE_NAMES
