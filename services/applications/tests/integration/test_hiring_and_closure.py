"""Hiring races and the closure guarantee, observed on the real topic."""

from __future__ import annotations

import asyncio
from collections import Counter

import grpc
import pytest

from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import events_pb2 as ae
from stint.applications.v1.application_pb2 import ApplicationStatus
from stint.kit.grpc import Caller
from stint.kit.testing.kafka import Record, headers_of, read_all
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2 as pe
from stint.postings.v1 import posting_pb2 as pp

from .support import Harness, context, employer, posting, stale_snapshots, student

HIRED = ApplicationStatus.APPLICATION_STATUS_HIRED
REJECTED = ApplicationStatus.APPLICATION_STATUS_REJECTED


async def open_posting(harness: Harness, positions: int = 1) -> pp.Posting:
    p = posting(positions=positions)
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=p), p.id)
    await harness.projected(p.id, 1)
    return p


async def applicants(harness: Harness, p: pp.Posting, n: int, shortlist: int) -> list[str]:
    """`n` students apply; the company shortlists the first `shortlist` of them."""
    ids = []
    for _ in range(n):
        request = api.SubmitApplicationRequest(posting_id=p.id, pitch="Pick me")
        ids.append((await harness.call("SubmitApplication", request, student())).application.id)
    company = employer(p.company_id)
    for app_id in ids[:shortlist]:
        request = api.ShortlistApplicationRequest(application_id=app_id)
        await harness.call("ShortlistApplication", request, company)
    return ids


async def published_events(harness: Harness) -> list[Record]:
    """Every event the service published so far, once its outboxes are empty."""

    async def pending() -> int:
        n = 0
        for name in ("applications", "postings"):
            n += await harness.db[name].count_documents({"outbox_since": {"$exists": True}})
        return n

    await eventually(pending, until=lambda n: n == 0, what="empty outboxes")
    return await read_all(harness.bootstrap, harness.applications_topic)


def of_type(records: list[Record], message: type) -> list[Record]:
    name = message.DESCRIPTOR.full_name
    return [r for r in records if headers_of(r)["ce_type"] == name]


@pytest.mark.parametrize(("positions", "contenders"), [(1, 2), (2, 5)])
async def test_concurrent_hires_never_exceed_the_open_positions(
    harness: Harness, positions: int, contenders: int
) -> None:
    """E.g. two concurrent hires for one remaining position produce exactly one CandidateHired."""
    p = await open_posting(harness, positions)
    ids = await applicants(harness, p, contenders, shortlist=contenders)

    async def hire(app_id: str) -> grpc.StatusCode:
        request = api.HireCandidateRequest(application_id=app_id)
        try:
            await harness.call("HireCandidate", request, employer(p.company_id))
        except grpc.aio.AioRpcError as err:
            return err.code()
        return grpc.StatusCode.OK

    codes = dict(zip(ids, await asyncio.gather(*(hire(i) for i in ids)), strict=True))
    winners = {i for i, code in codes.items() if code == grpc.StatusCode.OK}
    assert len(winners) == positions
    losers = {codes[i] for i in ids if i not in winners}
    assert losers <= {grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.ABORTED}

    hired = of_type(await published_events(harness), ae.CandidateHired)
    assert len(hired) == positions
    assert {r.key.decode() for r in hired} == winners
    event = ae.CandidateHired.FromString(hired[0].value)
    assert event.application.id in winners
    assert event.terms.fee.amount_minor == 50_000
    assert event.terms.company_id == p.company_id
    assert event.terms.posting_title == p.title
    doc = await harness.db["postings"].find_one({"_id": p.id})
    assert doc is not None
    assert set(doc["hired_application_ids"]) == winners
    for app_id in ids:
        request = api.GetApplicationRequest(application_id=app_id)
        got = await harness.call("GetApplication", request, employer(p.company_id))
        expected = HIRED if app_id in winners else ApplicationStatus.APPLICATION_STATUS_SHORTLISTED
        assert got.application.status == expected


async def test_when_a_posting_fills_every_waiting_application_is_rejected_once(
    harness: Harness,
) -> None:
    p = await open_posting(harness)
    ids = await applicants(harness, p, 4, shortlist=2)
    hire_me, withdrawn, waiting = ids[0], ids[3], ids[1:3]
    company = employer(p.company_id)
    await harness.call("HireCandidate", api.HireCandidateRequest(application_id=hire_me), company)
    owner = await harness.db["applications"].find_one({"_id": withdrawn})
    assert owner is not None
    me = Caller(owner["student_id"], "student", "", "req-withdraw")
    await harness.call(
        "WithdrawApplication", api.WithdrawApplicationRequest(application_id=withdrawn), me
    )

    filled = posting(
        id=p.id, company_id=p.company_id, status=pp.PostingStatus.POSTING_STATUS_FILLED, version=2
    )
    event = harness.envelope(pe.PostingFilled(context=context(), posting=filled), p.id)
    await harness.publish(event, event)  # redelivered
    await harness.projected(p.id, 2)

    async def statuses() -> dict[str, str]:
        docs = harness.db["applications"].find({"posting_id": p.id})
        return {d["_id"]: d["status"] async for d in docs}

    final = await eventually(
        statuses,
        until=lambda s: all(s[i] == "REJECTED" for i in waiting),
        what="waiting applications rejected",
    )
    assert final[hire_me] == "HIRED"
    assert final[withdrawn] == "WITHDRAWN"
    # Once more, after the first pass finished: still nothing new.
    stale_before = stale_snapshots()
    await harness.publish(
        harness.envelope(pe.PostingFilled(context=context(), posting=filled), p.id)
    )

    await eventually(stale_snapshots, until=lambda n: n > stale_before, what="redelivery seen")
    records = await published_events(harness)
    rejected = [
        ae.ApplicationRejected.FromString(r.value) for r in of_type(records, ae.ApplicationRejected)
    ]
    assert Counter(e.application.id for e in rejected) == Counter(waiting)
    assert {(e.reason, e.automatic) for e in rejected} == {("posting_filled", True)}
    assert all(e.application.status == REJECTED for e in rejected)
    assert all(e.context.causation_id == event.id for e in rejected)
    assert len(of_type(records, ae.CandidateHired)) == 1


async def test_a_hire_whose_request_stopped_is_completed_from_its_event(
    harness: Harness,
) -> None:
    """The repair path: the service consumes its own CandidateHired and marks the application
    HIRED (here the event is published by hand, as if the hiring request had died)."""
    p = await open_posting(harness)
    [app_id] = await applicants(harness, p, 1, shortlist=1)
    hired = ae.CandidateHired(context=context())
    hired.application.id = app_id
    hired.hired_at.GetCurrentTime()
    envelope = harness.own_envelope(hired, app_id)
    await harness.publish(envelope, envelope)

    async def status() -> str:
        doc = await harness.db["applications"].find_one({"_id": app_id})
        return doc["status"] if doc else ""

    await eventually(status, until=lambda s: s == "HIRED", what="application HIRED")
