"""Company verification and posting review in the inbox and the webhook catalogue: the
company's employers hear of each decision about them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notifications.adapters.catalogue import TYPE_NAMES, tenants_of
from notifications.adapters.wire import inbox_event
from notifications.domain.inbox import recipients, text
from stint.kit.envelope import Envelope
from stint.postings.v1 import company_pb2, posting_pb2
from stint.postings.v1 import events_pb2 as ev

T = datetime(2026, 3, 1, tzinfo=UTC)


def envelope(subject: str) -> Envelope:
    return Envelope("evt_1", "t", "/stint/postings", subject, T, "topic", subject, b"")


def test_the_new_events_are_catalogued_under_readable_names() -> None:
    assert {
        "company.updated",
        "company.verified",
        "company.verification_revoked",
        "posting.submitted_for_review",
        "posting.review_approved",
        "posting.review_declined",
        "posting.flagged",
        "posting.taken_down",
    } <= TYPE_NAMES


def test_a_company_event_is_routed_to_that_company() -> None:
    company = company_pb2.Company(id="cmp_acme", display_name="Acme Analytics")
    verified = ev.CompanyVerified(company=company)
    assert tenants_of(verified).companies == frozenset({"cmp_acme"})
    got = inbox_event("company.verified", verified, envelope("cmp_acme"))
    assert recipients(got) == ["company:cmp_acme"]
    title, body = text(got)
    assert title == "Company verified"
    assert body.startswith("Acme Analytics is verified")


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("posting.review_approved", ev.PostingReviewApproved),
        ("posting.review_declined", ev.PostingReviewDeclined),
        ("posting.taken_down", ev.PostingTakenDown),
    ],
)
def test_review_decisions_tell_the_company_only(kind: str, message: type) -> None:
    posting = posting_pb2.Posting(
        id="pst_1",
        company_id="cmp_acme",
        title="Market scan",
        universities=[posting_pb2.UniversityTarget(university_id="uni_1")],
    )
    got = inbox_event(kind, message(posting=posting), envelope("pst_1"))
    assert recipients(got) == ["company:cmp_acme"]
    assert "“Market scan”" in text(got)[1]
