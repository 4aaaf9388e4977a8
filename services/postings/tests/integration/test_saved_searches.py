"""Saved searches over real gRPC, Kafka and the database: own-only CRUD, the bound of 20,
free text over the description, and one SavedSearchMatched per matching search and posting
(public postings at once; postings aimed at universities once the student's one approves)."""

from __future__ import annotations

import grpc
import pytest

from stint.common.v1 import money_pb2, work_pb2
from stint.kit.testing.kafka import headers_of, read_all
from stint.kit.testing.poll import eventually
from stint.postings.v1 import posting_pb2, saved_search_pb2
from stint.postings.v1 import postings_service_pb2 as svc

from .conftest import Service, open_posting, who

KIM = who("student", "uni_mit", subject="usr_kim")
LEE = who("student", "uni_other", subject="usr_lee")
MIT = who("university", "uni_mit")
MATCHED = "stint.postings.v1.SavedSearchMatched"


async def save(
    service: Service, metadata: object, **fields: object
) -> saved_search_pb2.SavedSearch:
    given = saved_search_pb2.SavedSearchInput(name="Pricing work", **fields)  # type: ignore[arg-type]
    reply = await service.stub.CreateSavedSearch(
        svc.CreateSavedSearchRequest(saved_search=given), metadata=metadata
    )
    return reply.saved_search


async def alerts(
    service: Service, kafka_bootstrap: str
) -> list[saved_search_pb2.SavedSearchMatched]:
    records = await read_all(kafka_bootstrap, service.topic)
    return [
        saved_search_pb2.SavedSearchMatched.FromString(r.value)
        for r in records
        if headers_of(r).get("ce_type") == MATCHED
    ]


async def alerts_until(
    service: Service, kafka_bootstrap: str, count: int
) -> list[saved_search_pb2.SavedSearchMatched]:
    async def probe() -> list[saved_search_pb2.SavedSearchMatched]:
        return await alerts(service, kafka_bootstrap)

    return await eventually(probe, until=lambda a: len(a) >= count, timeout=20, what="alerts")


async def test_a_new_matching_posting_alerts_the_student_once(
    service: Service, kafka_bootstrap: str
) -> None:
    search = await save(
        service,
        KIM,
        query="competitors",
        skills=["EXCEL", "sql"],
        fee_min=money_pb2.Money(amount_minor=50_000, currency="USD"),
    )
    assert search.id.startswith("srch_")
    assert search.skills == ["excel", "sql"]
    assert (search.student_id, search.university_id) == ("usr_kim", "uni_mit")
    await save(service, LEE, skills=["design"])  # no match
    await save(service, LEE, category=work_pb2.CATEGORY_MARKET_RESEARCH, query="nowhere")
    opened = await open_posting(service, description="We study five competitors in detail.")
    [alert] = await alerts_until(service, kafka_bootstrap, 1)
    assert (alert.saved_search_id, alert.student_id) == (search.id, "usr_kim")
    assert alert.posting.id == opened.id
    assert list(alert.matched_skills) == ["excel"]
    assert alert.context.causation_id  # caused by the PostingPublished it consumed
    # ListPostings' q searches the description too.
    found = await service.stub.ListPostings(
        svc.ListPostingsRequest(query="FIVE competitors"), metadata=KIM
    )
    assert [p.id for p in found.postings] == [opened.id]
    # A second posting alerts again; the first never twice (read to the end: no duplicate).
    await open_posting(service, summary="Compare competitors")
    await alerts_until(service, kafka_bootstrap, 2)
    assert [a.posting.id for a in await alerts(service, kafka_bootstrap)].count(opened.id) == 1


async def test_a_university_posting_alerts_once_the_university_approves(
    service: Service, kafka_bootstrap: str
) -> None:
    search = await save(service, KIM, skills=["excel"])
    aimed = await open_posting(
        service, visibility=posting_pb2.VISIBILITY_UNIVERSITIES, university_ids=["uni_mit"]
    )
    await service.stub.ApprovePostingForUniversity(
        svc.ApprovePostingForUniversityRequest(posting_id=aimed.id), metadata=MIT
    )
    [alert] = await alerts_until(service, kafka_bootstrap, 1)
    assert (alert.saved_search_id, alert.posting.id) == (search.id, aimed.id)


async def test_own_searches_only_and_at_most_twenty(service: Service) -> None:
    first = await save(service, KIM, skills=["excel"])
    for _ in range(19):
        await save(service, KIM, skills=["excel"])
    with pytest.raises(grpc.aio.AioRpcError) as full:
        await save(service, KIM, skills=["excel"])
    assert full.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    listed = await service.stub.ListSavedSearches(svc.ListSavedSearchesRequest(), metadata=KIM)
    assert len(listed.saved_searches) == 20
    assert listed.saved_searches[-1].id == first.id
    with pytest.raises(grpc.aio.AioRpcError) as other:
        await service.stub.GetSavedSearch(
            svc.GetSavedSearchRequest(saved_search_id=first.id), metadata=LEE
        )
    assert other.value.code() == grpc.StatusCode.NOT_FOUND
    await service.stub.DeleteSavedSearch(
        svc.DeleteSavedSearchRequest(saved_search_id=first.id), metadata=KIM
    )
    await save(service, KIM, skills=["excel"])  # a slot was freed
    with pytest.raises(grpc.aio.AioRpcError) as bad:
        await save(service, KIM)  # neither a skill nor a category
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
