"""Disputes in the inbox: the other side and the university hear of an opening, the opener of
the answer, both sides of an escalation and of the decision; the webhook types exist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notifications.adapters.catalogue import TYPE_NAMES, tenants_of
from notifications.adapters.wire import inbox_event
from notifications.domain.inbox import RULES, Channel, recipients, text
from stint.kit.envelope import Envelope
from stint.submissions.v1 import dispute_pb2 as dpb
from stint.submissions.v1 import engagement_pb2 as pb
from stint.submissions.v1 import events_pb2 as ev

T = datetime(2026, 3, 1, tzinfo=UTC)
PARTIES = {"student_id": "usr_1", "company_id": "cmp_1", "university_id": "uni_1"}


def envelope() -> Envelope:
    return Envelope("evt_1", "t", "/stint/submissions", "eng_1", T, "topic", "eng_1", b"")


def dispute(opened_by: int, **fields: object) -> dpb.Dispute:
    return dpb.Dispute(id="dsp_1", engagement_id="eng_1", opened_by=opened_by, **PARTIES, **fields)  # type: ignore[arg-type]


def engagement() -> pb.Engagement:
    return pb.Engagement(id="eng_1", title="Market scan", **PARTIES)


@pytest.mark.parametrize(
    ("opened_by", "told"),
    [
        (pb.PARTY_EMPLOYER, ["student:usr_1", "university:uni_1"]),
        (pb.PARTY_STUDENT, ["company:cmp_1", "university:uni_1"]),
    ],
)
def test_an_opening_tells_the_other_side_and_the_university(
    opened_by: int, told: list[str]
) -> None:
    opened = ev.DisputeOpened(dispute=dispute(opened_by), engagement=engagement())
    got = inbox_event("dispute.opened", opened, envelope())
    assert recipients(got) == told
    assert text(got)[1].startswith("A dispute was opened on “Market scan”")
    assert RULES["dispute.opened"].default is Channel.EMAIL


def test_an_answer_tells_the_opener_only_naming_the_project() -> None:
    answer = dpb.DisputeStatement(party=pb.PARTY_STUDENT)
    answered = ev.DisputeAnswered(
        dispute=dispute(pb.PARTY_EMPLOYER, answer=answer, title="Market scan")
    )
    got = inbox_event("dispute.answered", answered, envelope())
    assert recipients(got) == ["company:cmp_1"]
    assert "Market scan" in text(got)[1]  # the dispute carries the title (no engagement)


def test_an_escalation_and_a_decision_tell_both_sides() -> None:
    escalated = ev.DisputeEscalated(dispute=dispute(pb.PARTY_STUDENT))
    resolved = ev.DisputeResolved(dispute=dispute(pb.PARTY_STUDENT), engagement=engagement())
    both = ["student:usr_1", "company:cmp_1"]
    assert recipients(inbox_event("dispute.escalated", escalated, envelope())) == both
    decided = inbox_event("dispute.resolved", resolved, envelope())
    assert recipients(decided) == [*both, "university:uni_1"]


def test_dispute_webhooks_are_catalogued_and_routed_to_the_parties() -> None:
    assert {"dispute.opened", "dispute.resolved"} <= TYPE_NAMES
    tenants = tenants_of(ev.DisputeResolved(dispute=dispute(pb.PARTY_EMPLOYER)))
    assert (tenants.companies, tenants.universities) == ({"cmp_1"}, {"uni_1"})
