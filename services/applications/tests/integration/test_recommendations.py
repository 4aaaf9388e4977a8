"""Recommendations through the real service: open projected postings ranked by the profile's
skills and programme, with the skills that matched; students only."""

from __future__ import annotations

import grpc
import pytest

from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import recommendation_pb2 as rpb
from stint.kit.grpc import Caller
from stint.postings.v1 import events_pb2 as pe
from stint.postings.v1 import posting_pb2

from .support import Harness, context, posting, student


async def project(harness: Harness, p: posting_pb2.Posting) -> str:
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=p), p.id)
    await harness.projected(p.id, 1)
    return p.id


async def test_open_postings_ranked_and_explained(harness: Harness) -> None:
    ada = student("uni_a")
    put = api.PutMyProfileRequest(name="Ada", programme="BSc Economics", skills=["SQL", "Excel"])
    await harness.call("PutMyProfile", put, ada)
    both = await project(harness, posting(skills=["sql", "excel"], title="Churn model"))
    one = await project(harness, posting(skills=["sql"], title="Ledger"))
    words = await project(harness, posting(skills=["writing"], title="Economics newsletter"))
    await project(harness, posting(skills=["design"], title="Logo"))  # nothing in common
    closed = posting(skills=["sql"], status=posting_pb2.PostingStatus.POSTING_STATUS_CLOSED)
    await harness.publish_posting(pe.PostingClosed(context=context(), posting=closed), closed.id)
    await harness.projected(closed.id, 1)

    reply = await harness.call("ListRecommendations", api.ListRecommendationsRequest(), ada)
    got = [(r.posting_id, r.score) for r in reply.recommendations]
    assert got == [(both, 6), (one, 3), (words, 1)]
    best = reply.recommendations[0]
    assert list(best.matched_skills) == ["sql", "excel"]
    [reason] = best.reasons
    assert reason.source == rpb.RECOMMENDATION_SOURCE_PROFILE_SKILLS
    assert reply.recommendations[2].reasons[0].source == rpb.RECOMMENDATION_SOURCE_PROGRAMME

    top = await harness.call("ListRecommendations", api.ListRecommendationsRequest(limit=1), ada)
    assert [r.posting_id for r in top.recommendations] == [both]


async def test_students_only(harness: Harness) -> None:
    boss = Caller("usr_e", "employer", "cmp_1", "r")
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await harness.call("ListRecommendations", api.ListRecommendationsRequest(), boss)
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
