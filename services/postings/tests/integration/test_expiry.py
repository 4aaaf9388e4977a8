"""The expiry timer with two service instances on one database and one topic prefix."""

from __future__ import annotations

from datetime import timedelta

from stint.kit.clock import SystemClock
from stint.kit.mongo import Database
from stint.kit.testing.clock import ManualClock
from stint.kit.testing.infra import Infra
from stint.kit.testing.kafka import headers_of, read_all
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2, posting_pb2
from stint.postings.v1 import postings_service_pb2 as svc

from .conftest import EMPLOYER, open_posting, settings_for, start_service, stop_service

EXPIRED = "stint.postings.v1.PostingExpired"
CLOSED = "stint.postings.v1.PostingClosed"
PASSED = "stint.postings.v1.PostingDecisionDeadlinePassed"


async def test_the_timer_closes_then_expires_an_unhired_posting_exactly_once_with_two_instances(
    infra: Infra, mongo_db: Database, unique: str
) -> None:
    clock = ManualClock(SystemClock().now())
    settings = settings_for(infra, mongo_db, unique)
    first = await start_service(settings, clock)
    try:
        second = await start_service(settings, clock)
        try:
            posting = await open_posting(first)

            async def outbox_empty() -> bool:
                doc = await mongo_db["postings"].find_one({"_id": posting.id})
                return doc is not None and not doc.get("outbox")

            # Nothing is in flight when time jumps (no lock or lease straddles the jump).
            await eventually(outbox_empty, what="publish relayed")
            clock.advance(timedelta(days=8))  # the deadline is 7 days after the wall clock

            async def status() -> int:
                reply = await second.stub.GetPosting(
                    svc.GetPostingRequest(posting_id=posting.id), metadata=EMPLOYER
                )
                return reply.posting.status

            # Applications stop; the company still chooses until the decision deadline.
            await eventually(status, until=lambda s: s == posting_pb2.POSTING_STATUS_CLOSED)
            await eventually(outbox_empty, what="closure relayed")
            clock.advance(timedelta(days=7))  # the default decision deadline: deadline + 7 days
            await eventually(status, until=lambda s: s == posting_pb2.POSTING_STATUS_EXPIRED)
            await eventually(outbox_empty, what="expiry relayed")
            doc = await mongo_db["postings"].find_one({"_id": posting.id})
            assert doc is not None
            assert "expires_at" not in doc

            records = await read_all(infra.kafka_bootstrap, first.topic)
            types = [headers_of(r)["ce_type"] for r in records]
            assert (types.count(CLOSED), types.count(PASSED)) == (1, 1)
            expired = [r for r in records if headers_of(r)["ce_type"] == EXPIRED]
            assert len(expired) == 1
            event = events_pb2.PostingExpired.FromString(expired[0].value)
            assert event.posting.status == posting_pb2.POSTING_STATUS_EXPIRED
            assert event.context.actor.role == "system"
        finally:
            await stop_service(second)
    finally:
        await stop_service(first)
