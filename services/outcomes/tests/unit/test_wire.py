"""Protobuf events into changes, reports into messages."""

from __future__ import annotations

from datetime import UTC, datetime

from outcomes.adapters import wire
from outcomes.adapters.report_wire import outcomes_message
from outcomes.domain.facts import Facts
from outcomes.domain.report import report
from outcomes.domain.window import Window
from stint.applications.v1 import application_pb2
from stint.applications.v1 import events_pb2 as app_events
from stint.common.v1 import money_pb2
from stint.common.v1.work_pb2 import CATEGORY_DESIGN, CATEGORY_SALES
from stint.kit.money import Money
from stint.payouts.v1 import events_pb2 as payout_events
from stint.payouts.v1 import funding_pb2, sponsorship_pb2
from stint.postings.v1 import posting_pb2
from stint.submissions.v1 import engagement_pb2
from stint.submissions.v1 import events_pb2 as submission_events

from .builders import UNI, day, hire

SEEN = datetime(2026, 5, 1, tzinfo=UTC)


def usd(amount: int) -> money_pb2.Money:
    return money_pb2.Money(amount_minor=amount, currency="USD")


def test_a_hire_is_keyed_by_the_engagement_id_of_its_application() -> None:
    app = application_pb2.Application(
        id="app_01ABC", posting_id="pst_1", company_id="co_a", student_id="s1", university_id=UNI
    )
    terms = app_events.EngagementTerms(category=CATEGORY_DESIGN, company_id="co_a")
    change = wire.hired(app_events.CandidateHired(application=app, terms=terms), SEEN)
    assert change.engagement_id == "eng_01ABC"
    assert (change.parties.university_id, change.parties.category) == (UNI, "DESIGN")
    assert change.hired_at == SEEN  # no hired_at in the event: when it was published


def test_only_the_employers_rating_of_the_student_counts() -> None:
    e = engagement_pb2.Engagement(id="eng_1", university_id=UNI)
    e.feedback.add(author=engagement_pb2.PARTY_STUDENT, rating=2)
    assert wire.rated(submission_events.FeedbackRevealed(engagement=e), SEEN) is None
    e.feedback.add(author=engagement_pb2.PARTY_EMPLOYER, rating=4)
    rated = wire.rated(submission_events.FeedbackRevealed(engagement=e), SEEN)
    assert rated is not None
    assert rated.rating == 4


def test_a_university_decision_is_read_from_the_posting_targets() -> None:
    p = posting_pb2.Posting(id="pst_1", company_id="co_a", category=CATEGORY_SALES, version=4)
    t = p.universities.add(university_id=UNI, decision=posting_pb2.UNIVERSITY_DECISION_APPROVED)
    t.decided_at.FromDatetime(day(3))
    p.universities.add(university_id="uni_2", decision=posting_pb2.UNIVERSITY_DECISION_DECLINED)
    approved = wire.decision(p, UNI, SEEN)
    assert (approved.approved_at, approved.posting_version, approved.category) == (
        day(3),
        4,
        "SALES",
    )
    assert wire.decision(p, "uni_2", SEEN).approved_at is None


def test_only_a_university_sponsor_counts_pro_rata_to_what_was_released() -> None:
    f = funding_pb2.Funding(id="fnd_1", engagement_id="eng_1", total=usd(1000))
    assert wire.sponsor_released(payout_events.FundingReleased(funding=f), SEEN) is None
    f.sponsor.CopyFrom(
        sponsorship_pb2.SponsorPart(
            sponsor_kind=sponsorship_pb2.SPONSOR_KIND_GRANT_PROGRAM, sponsor_id="g", share=usd(400)
        )
    )
    assert wire.sponsor_released(payout_events.FundingReleased(funding=f), SEEN) is None
    f.sponsor.sponsor_kind = sponsorship_pb2.SPONSOR_KIND_UNIVERSITY
    f.sponsor.sponsor_id = UNI
    full = wire.sponsor_released(payout_events.FundingReleased(funding=f), SEEN)
    assert full is not None
    assert full.share == Money(400, "USD")
    f.released_total.CopyFrom(usd(500))
    half = wire.sponsor_released(payout_events.FundingReleased(funding=f), SEEN)
    assert half is not None
    assert half.share == Money(200, "USD")


def test_suppressed_figures_go_out_without_money_and_with_their_display() -> None:
    hires = [hire("s1", paid=100), hire("s2", "co_b", paid=200, category="SALES")]
    r = report(UNI, Facts(engagements=hires), Window(), 2, day(50), 10)
    m = outcomes_message(r)
    assert m.totals.earnings_total.amount_minor == 300
    assert m.by_category[0].category == CATEGORY_DESIGN
    small = m.by_company[0].figures
    assert small.students_hired.display == "< 2"
    assert small.students_hired.value == 0
    assert small.earnings_suppressed
    assert not small.HasField("earnings_total")
    assert not m.HasField("from_time")
