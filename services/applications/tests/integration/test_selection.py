"""Choosing after applications close, and applying right after publish, on the real service."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import events_pb2 as ae
from stint.applications.v1.application_pb2 import ApplicationStatus
from stint.kit.grpc import error_code_from_error, retry_after_from_error
from stint.kit.ids import new_id
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2 as pe
from stint.postings.v1 import posting_pb2 as pp

from .support import Harness, context, employer, posting, student
from .test_hiring_and_closure import applicants, of_type, open_posting, published_events

CLOSED = pp.PostingStatus.POSTING_STATUS_CLOSED


def closed(p: pp.Posting, version: int, decide_by: datetime) -> pp.Posting:
    snapshot = posting(id=p.id, company_id=p.company_id, status=CLOSED, version=version)
    snapshot.decision_deadline.FromDatetime(decide_by)
    return snapshot


async def test_a_closed_posting_keeps_its_shortlist_and_the_decision_deadline_answers_the_rest(
    harness: Harness,
) -> None:
    p = await open_posting(harness, positions=2)
    ids = await applicants(harness, p, 3, shortlist=1)  # [shortlisted, submitted, submitted]
    decide_by = datetime.now(UTC) + timedelta(days=7)
    close = closed(p, 2, decide_by)
    await harness.publish_posting(pe.PostingClosed(context=context(), posting=close), p.id)
    await harness.projected(p.id, 2)
    company = employer(p.company_id)
    # Still choosing: shortlist one more, hire the first, nobody is rejected.
    await harness.call(
        "ShortlistApplication", api.ShortlistApplicationRequest(application_id=ids[2]), company
    )
    hired = await harness.call(
        "HireCandidate", api.HireCandidateRequest(application_id=ids[0]), company
    )
    assert hired.application.status == ApplicationStatus.APPLICATION_STATUS_HIRED
    records = await published_events(harness)
    assert of_type(records, ae.ApplicationRejected) == []

    passed = closed(p, 3, decide_by)
    await harness.publish_posting(
        pe.PostingDecisionDeadlinePassed(context=context(), posting=passed), p.id
    )

    async def statuses() -> dict[str, str]:
        docs = harness.db["applications"].find({"posting_id": p.id})
        return {d["_id"]: d["status"] async for d in docs}

    final = await eventually(
        statuses,
        until=lambda s: s[ids[1]] == "REJECTED" and s[ids[2]] == "REJECTED",
        what="the waiting applications answered",
    )
    assert final[ids[0]] == "HIRED"
    records = await published_events(harness)
    reasons = {
        ae.ApplicationRejected.FromString(r.value).reason
        for r in of_type(records, ae.ApplicationRejected)
    }
    assert reasons == {"decision_deadline_passed"}
    with pytest.raises(grpc.aio.AioRpcError) as late:
        await harness.call(
            "HireCandidate", api.HireCandidateRequest(application_id=ids[2]), company
        )
    assert late.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_applying_right_after_publish_waits_or_says_retry(harness: Harness) -> None:
    unknown = new_id("pst")
    request = api.SubmitApplicationRequest(posting_id=unknown, pitch="First!")
    with pytest.raises(grpc.aio.AioRpcError) as early:
        await harness.call("SubmitApplication", request, student())
    assert early.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_code_from_error(early.value) == "POSTING_NOT_READY"
    assert retry_after_from_error(early.value) == 1

    # The posting's event lands while the request waits: it is accepted.
    p = posting()
    apply = asyncio.create_task(
        harness.call(
            "SubmitApplication",
            api.SubmitApplicationRequest(posting_id=p.id, pitch="Hi"),
            student(),
        )
    )
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=p), p.id)
    answered = await apply
    assert answered.application.posting_id == p.id
