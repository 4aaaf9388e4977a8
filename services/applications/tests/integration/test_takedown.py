"""A posting an admin took down answers every waiting application (closure guarantee)."""

from __future__ import annotations

from stint.applications.v1 import events_pb2 as ae
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2 as pe
from stint.postings.v1 import posting_pb2 as pp

from .support import Harness, context, posting
from .test_hiring_and_closure import applicants, of_type, open_posting, published_events


async def test_a_taken_down_posting_rejects_every_waiting_application(harness: Harness) -> None:
    p = await open_posting(harness)
    ids = await applicants(harness, p, 2, shortlist=1)
    down = posting(
        id=p.id,
        company_id=p.company_id,
        status=pp.PostingStatus.POSTING_STATUS_TAKEN_DOWN,
        version=2,
    )
    message = pe.PostingTakenDown(context=context(), posting=down, reason="scam")
    await harness.publish(harness.envelope(message, p.id))
    await harness.projected(p.id, 2)

    async def statuses() -> dict[str, str]:
        docs = harness.db["applications"].find({"posting_id": p.id})
        return {d["_id"]: d["status"] async for d in docs}

    await eventually(
        statuses,
        until=lambda s: all(s[i] == "REJECTED" for i in ids),
        what="waiting applications rejected",
    )
    records = await published_events(harness)
    rejected = [
        ae.ApplicationRejected.FromString(r.value) for r in of_type(records, ae.ApplicationRejected)
    ]
    assert sorted(e.application.id for e in rejected) == sorted(ids)
    assert {(e.reason, e.automatic) for e in rejected} == {("posting_taken_down", True)}
