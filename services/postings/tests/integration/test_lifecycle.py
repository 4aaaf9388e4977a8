"""Create, publish, hires and completion on real Kafka + FerretDB."""

from __future__ import annotations

from stint.applications.v1 import application_pb2
from stint.applications.v1.events_pb2 import ApplicationSubmitted, CandidateHired
from stint.common.v1.event_pb2 import EventContext
from stint.contracts import topics
from stint.contracts.topics import dlq_topic
from stint.kit.testing.kafka import headers_of, read_all, wait_for_records
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2, posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc
from stint.submissions.v1 import engagement_pb2
from stint.submissions.v1.events_pb2 import EngagementCancelled, EngagementCompleted

from .conftest import EMPLOYER, Publish, Service, open_posting


async def get(service: Service, posting_id: str) -> posting_pb2.Posting:
    reply = await service.stub.GetPosting(
        svc.GetPostingRequest(posting_id=posting_id), metadata=EMPLOYER
    )
    return reply.posting


def application(app_id: str, posting_id: str) -> application_pb2.Application:
    return application_pb2.Application(id=app_id, posting_id=posting_id, company_id="cmp_acme")


def hire(app_id: str, posting_id: str) -> CandidateHired:
    return CandidateHired(
        context=EventContext(correlation_id="req-hire"), application=application(app_id, posting_id)
    )


async def test_create_then_publish_produces_posting_published_with_cloudevents_headers(
    service: Service, kafka_bootstrap: str
) -> None:
    posting = await open_posting(service)
    assert posting.status == posting_pb2.POSTING_STATUS_OPEN
    assert list(posting.skills) == ["excel", "market-research"]

    # The company's verification (open_posting verifies it first) is keyed by the company.
    records = await wait_for_records(kafka_bootstrap, service.topic, count=3)
    [company] = [r for r in records if r.key == b"cmp_acme"]
    assert headers_of(company)["ce_type"] == "stint.postings.v1.CompanyVerified"
    records = [r for r in records if r.key == posting.id.encode()]
    types = [headers_of(r)["ce_type"] for r in records]
    assert types == ["stint.postings.v1.PostingCreated", "stint.postings.v1.PostingPublished"]
    record = records[1]
    headers = headers_of(record)
    assert headers["ce_specversion"] == "1.0"
    assert headers["ce_id"].startswith("evt_")
    assert headers["ce_source"] == "/stint/postings"
    assert headers["ce_subject"] == posting.id
    assert headers["content-type"] == "application/protobuf"
    assert headers["ce_time"].endswith("Z")
    assert record.key == posting.id.encode()
    published = events_pb2.PostingPublished.FromString(record.value)
    assert published.posting.id == posting.id
    assert published.posting.status == posting_pb2.POSTING_STATUS_OPEN
    assert published.context.actor.role == "employer"
    assert published.context.correlation_id == "req-test"


async def test_duplicate_hires_count_once_and_reaching_positions_fills(
    service: Service, publish: Publish, kafka_bootstrap: str
) -> None:
    posting = await open_posting(service, positions=2)
    applications = service.settings.topic(topics.APPLICATIONS)
    # The same delivery twice, then the same hire under a new event id; all keyed by the
    # application, so they share a partition and are consumed in this order.
    await publish(hire("app_1", posting.id), applications, "app_1", event_id="evt_dup1")
    await publish(hire("app_1", posting.id), applications, "app_1", event_id="evt_dup1")
    await publish(hire("app_1", posting.id), applications, "app_1")
    # A marker behind them on the same partition: once it is counted, the hires were seen.
    marker = ApplicationSubmitted(application=application("app_1", posting.id))
    await publish(marker, applications, "app_1")

    counted = await eventually(
        lambda: get(service, posting.id), until=lambda p: p.applications_count == 1
    )
    assert counted.hired_count == 1
    assert counted.status == posting_pb2.POSTING_STATUS_OPEN

    await publish(hire("app_2", posting.id), applications, "app_2")
    filled = await eventually(
        lambda: get(service, posting.id),
        until=lambda p: p.status == posting_pb2.POSTING_STATUS_FILLED,
    )
    assert filled.hired_count == 2

    async def filled_events() -> list[events_pb2.PostingFilled]:
        records = await read_all(kafka_bootstrap, service.topic)
        return [
            events_pb2.PostingFilled.FromString(r.value)
            for r in records
            if headers_of(r)["ce_type"] == "stint.postings.v1.PostingFilled"
        ]

    [event] = await eventually(filled_events, until=lambda found: len(found) >= 1)
    assert event.posting.hired_count == 2
    assert event.context.actor.role == "system"
    assert event.context.correlation_id == "req-hire"
    assert event.context.causation_id


async def test_every_engagement_ended_completes_the_posting(
    service: Service, publish: Publish, kafka_bootstrap: str
) -> None:
    posting = await open_posting(service, positions=2)
    applications = service.settings.topic(topics.APPLICATIONS)
    submissions = service.settings.topic(topics.SUBMISSIONS)
    for app in ("app_01a", "app_01b"):
        await publish(hire(app, posting.id), applications, app)
    await eventually(
        lambda: get(service, posting.id),
        until=lambda p: p.status == posting_pb2.POSTING_STATUS_FILLED,
    )
    done = engagement_pb2.Engagement(id="eng_01a", posting_id=posting.id)
    await publish(EngagementCompleted(engagement=done), submissions, "eng_01a")
    await publish(EngagementCompleted(engagement=done), submissions, "eng_01a")
    gone = engagement_pb2.Engagement(id="eng_01b", posting_id=posting.id)
    await publish(EngagementCancelled(engagement=gone, reason="no-show"), submissions, "eng_01b")

    completed = await eventually(
        lambda: get(service, posting.id),
        until=lambda p: p.status == posting_pb2.POSTING_STATUS_COMPLETED,
    )
    assert completed.completed_count == 1
    # CompanyVerified, PostingCreated, PostingPublished, PostingFilled, PostingCompleted
    records = await wait_for_records(kafka_bootstrap, service.topic, count=5)
    types = [headers_of(r)["ce_type"].rsplit(".", 1)[1] for r in records]
    assert types.count("PostingCompleted") == 1


async def test_every_engagement_cancelled_ends_the_posting_cancelled(
    service: Service, publish: Publish
) -> None:
    posting = await open_posting(service, positions=1)
    await publish(
        hire("app_02a", posting.id), service.settings.topic(topics.APPLICATIONS), "app_02a"
    )
    await eventually(
        lambda: get(service, posting.id),
        until=lambda p: p.status == posting_pb2.POSTING_STATUS_FILLED,
    )
    gone = engagement_pb2.Engagement(id="eng_02a", posting_id=posting.id)
    submissions = service.settings.topic(topics.SUBMISSIONS)
    await publish(EngagementCancelled(engagement=gone, reason="no-show"), submissions, "eng_02a")
    ended = await eventually(
        lambda: get(service, posting.id),
        until=lambda p: p.status == posting_pb2.POSTING_STATUS_CANCELLED,
    )
    assert (ended.completed_count, ended.hired_count) == (0, 1)


async def test_a_hire_for_an_unknown_posting_is_dead_lettered(
    service: Service, publish: Publish, kafka_bootstrap: str
) -> None:
    applications = service.settings.topic(topics.APPLICATIONS)
    await publish(hire("app_lost", "pst_unknown"), applications, "app_lost", event_id="evt_lost")
    dlq = service.settings.topic(dlq_topic("postings"))
    [record] = await wait_for_records(kafka_bootstrap, dlq, count=1)
    headers = headers_of(record)
    assert headers["ce_id"] == "evt_lost"
    assert headers["dlq_reason"] == "handler_failed"
    assert "pst_unknown" in headers["dlq_error"]
