"""The projection follows posting events, including redelivered and out-of-order ones."""

from __future__ import annotations

import grpc
import pytest

from stint.applications.v1 import applications_service_pb2 as api
from stint.contracts import topics
from stint.contracts.topics import dlq_topic
from stint.kit.testing.kafka import headers_of, wait_for_records
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2 as pe
from stint.postings.v1 import posting_pb2

from .support import Harness, context, posting, stale_snapshots, student

OPEN = posting_pb2.PostingStatus.POSTING_STATUS_OPEN
CLOSED = posting_pb2.PostingStatus.POSTING_STATUS_CLOSED
DRAFT = posting_pb2.PostingStatus.POSTING_STATUS_DRAFT


async def test_projection_follows_the_lifecycle_and_ignores_older_snapshots(
    harness: Harness,
) -> None:
    draft = posting(status=DRAFT, version=1)
    await harness.publish_posting(pe.PostingCreated(context=context(), posting=draft), draft.id)
    doc = await harness.projected(draft.id, 1)
    assert doc["status"] == "DRAFT"

    opened = posting(id=draft.id, company_id=draft.company_id, status=OPEN, version=2)
    published = await harness.publish_posting(
        pe.PostingPublished(context=context(), posting=opened), draft.id
    )
    doc = await harness.projected(draft.id, 2)
    assert doc["status"] == "OPEN"
    assert doc["title"] == opened.title
    assert doc["positions"] == 1
    assert doc["fee_amount_minor"] == 50_000

    closed = posting(id=draft.id, company_id=draft.company_id, status=CLOSED, version=3)
    await harness.publish_posting(pe.PostingClosed(context=context(), posting=closed), draft.id)
    await harness.projected(draft.id, 3)

    # Now the stragglers: the v2 event redelivered (same ce_id), and the v1 and v2 snapshots
    # again on every partition of the topic, so consumed in no particular order.
    before = stale_snapshots()
    await harness.publish(published)
    stale = [
        harness.envelope(pe.PostingCreated(context=context(), posting=draft), draft.id),
        harness.envelope(pe.PostingPublished(context=context(), posting=opened), draft.id),
    ]
    for partition in range(3):
        for env in stale:
            await harness.publish_to_partition(env, partition)
    await eventually(stale_snapshots, until=lambda n: n >= before + 7, what="7 stale snapshots")

    doc = await harness.db["postings"].find_one({"_id": draft.id})
    assert doc is not None
    assert doc["status"] == "CLOSED"
    assert doc["source_version"] == 3
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await harness.call(
            "SubmitApplication",
            api.SubmitApplicationRequest(posting_id=draft.id, pitch="Hire me"),
            student(),
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_posting_event_without_a_posting_goes_to_the_dead_letter_topic(
    harness: Harness,
) -> None:
    broken = harness.envelope(pe.PostingPublished(context=context()), "pst_missing")
    await harness.publish(broken)
    dlq = harness.postings_topic.replace(topics.POSTINGS, dlq_topic("applications"))
    [dead] = await wait_for_records(harness.bootstrap, dlq, count=1)
    headers = headers_of(dead)
    assert (headers["ce_id"], headers["dlq_reason"]) == (broken.id, "handler_failed")
    assert "MalformedSnapshot" in headers["dlq_error"]
