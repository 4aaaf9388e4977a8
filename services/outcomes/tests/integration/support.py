"""Events as the other services publish them, and calls as the gateway makes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faststream.kafka import KafkaBroker
from google.protobuf.message import Message

from stint.applications.v1 import application_pb2
from stint.applications.v1 import events_pb2 as app_events
from stint.common.v1 import money_pb2
from stint.contracts import topics
from stint.kit.bus import KafkaEventPublisher
from stint.kit.clock import SystemClock
from stint.kit.envelope import Envelope, new_envelope
from stint.kit.grpc import Caller
from stint.kit.ids import new_id, suffix
from stint.kit.mongo import Database
from stint.kit.testing.identity import metadata_for
from stint.payouts.v1 import events_pb2 as payout_events
from stint.payouts.v1 import funding_pb2, payout_pb2, sponsorship_pb2
from stint.postings.v1 import posting_pb2
from stint.submissions.v1 import engagement_pb2
from stint.submissions.v1 import events_pb2 as submission_events

K = 2
T0 = datetime(2026, 3, 1, tzinfo=UTC)
SOURCES = {
    topics.POSTINGS: "/stint/postings",
    topics.APPLICATIONS: "/stint/applications",
    topics.SUBMISSIONS: "/stint/submissions",
    topics.PAYOUTS: "/stint/payouts",
}


def usd(amount: int) -> money_pb2.Money:
    return money_pb2.Money(amount_minor=amount, currency="USD")


def _at(message: Any, field: str, when: datetime) -> None:
    getattr(message, field).FromDatetime(when)


@dataclass
class Harness:
    stub: Any
    db: Database
    broker: KafkaBroker
    topics: dict[str, str]

    def envelope(self, topic: str, event: Message, key: str) -> Envelope:
        return new_envelope(
            event, topic=self.topics[topic], subject=key, source=SOURCES[topic], clock=SystemClock()
        )

    async def publish(self, *envelopes: Envelope) -> None:
        publisher = KafkaEventPublisher(self.broker)
        for env in envelopes:
            await publisher.publish(env)

    async def send(self, topic: str, event: Message, key: str) -> Envelope:
        env = self.envelope(topic, event, key)
        await self.publish(env)
        return env

    async def call(self, method: str, request: Message, caller: Caller) -> Any:
        return await getattr(self.stub, method)(request, metadata=metadata_for(caller, "outcomes"))


def posting(
    company: str, category: int, *, university: str = "", version: int = 2
) -> posting_pb2.Posting:
    p = posting_pb2.Posting(
        id=new_id("pst"), company_id=company, category=category, fee=usd(50_000), version=version
    )
    if university:
        target = p.universities.add(
            university_id=university, decision=posting_pb2.UNIVERSITY_DECISION_APPROVED
        )
        _at(target, "decided_at", T0)
    return p


def application(
    p: posting_pb2.Posting, student: str, university: str
) -> application_pb2.Application:
    a = application_pb2.Application(
        id=new_id("app"),
        posting_id=p.id,
        company_id=p.company_id,
        student_id=student,
        university_id=university,
    )
    _at(a, "created_at", T0)
    return a


def submitted(a: application_pb2.Application) -> app_events.ApplicationSubmitted:
    return app_events.ApplicationSubmitted(application=a)


def hired(a: application_pb2.Application, category: int) -> app_events.CandidateHired:
    terms = app_events.EngagementTerms(
        posting_id=a.posting_id, category=category, fee=usd(50_000), company_id=a.company_id
    )
    event = app_events.CandidateHired(application=a, terms=terms)
    _at(event, "hired_at", T0)
    return event


def engagement_of(a: application_pb2.Application, category: int) -> engagement_pb2.Engagement:
    return engagement_pb2.Engagement(
        id=f"eng_{suffix(a.id)}",
        application_id=a.id,
        posting_id=a.posting_id,
        company_id=a.company_id,
        student_id=a.student_id,
        university_id=a.university_id,
        category=category,
    )


def _copy(e: engagement_pb2.Engagement) -> engagement_pb2.Engagement:
    copy = engagement_pb2.Engagement()
    copy.CopyFrom(e)
    return copy


def completed(e: engagement_pb2.Engagement) -> submission_events.EngagementCompleted:
    done = _copy(e)
    _at(done, "completed_at", T0)
    return submission_events.EngagementCompleted(engagement=done)


def cancelled(e: engagement_pb2.Engagement) -> submission_events.EngagementCancelled:
    gone = _copy(e)
    _at(gone, "cancelled_at", T0)
    return submission_events.EngagementCancelled(engagement=gone, reason="no longer needed")


def revealed(e: engagement_pb2.Engagement, rating: int) -> submission_events.FeedbackRevealed:
    copy = _copy(e)
    copy.feedback.add(author=engagement_pb2.PARTY_EMPLOYER, rating=rating)
    copy.feedback.add(author=engagement_pb2.PARTY_STUDENT, rating=1)  # the student's, ignored
    return submission_events.FeedbackRevealed(engagement=copy)


def paid(e: engagement_pb2.Engagement, amount: int) -> payout_events.PayoutPaid:
    p = payout_pb2.Payout(
        id=f"pay_{suffix(e.id)}",
        engagement_id=e.id,
        company_id=e.company_id,
        student_id=e.student_id,
        amount=usd(amount),
        status=payout_pb2.PAYOUT_STATUS_PAID,
    )
    _at(p, "paid_at", T0)
    return payout_events.PayoutPaid(payout=p)


def released(
    e: engagement_pb2.Engagement, university: str, share: int
) -> payout_events.FundingReleased:
    sponsor = sponsorship_pb2.SponsorPart(
        sponsorship_id=new_id("spn"),
        sponsor_kind=sponsorship_pb2.SPONSOR_KIND_UNIVERSITY,
        sponsor_id=university,
        share=usd(share),
    )
    f = funding_pb2.Funding(
        id=f"fnd_{suffix(e.id)}",
        engagement_id=e.id,
        company_id=e.company_id,
        student_id=e.student_id,
        total=usd(55_000),
        sponsor=sponsor,
    )
    _at(f, "released_at", T0)
    return payout_events.FundingReleased(funding=f)
