"""Applying over real gRPC: closed and invisible postings refuse, duplicates are refused."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1.application_pb2 import ApplicationStatus
from stint.common.v1 import pagination_pb2
from stint.kit.grpc import Caller, field_violations_from_error
from stint.kit.ids import new_id
from stint.postings.v1 import events_pb2 as pe
from stint.postings.v1 import posting_pb2 as pp

from .support import Harness, context, employer, posting, student

UNIVERSITIES = pp.Visibility.VISIBILITY_UNIVERSITIES


async def apply(harness: Harness, posting_id: str, caller: Caller) -> api.SubmitApplicationResponse:
    request = api.SubmitApplicationRequest(
        posting_id=posting_id, pitch="I did this before", links=["https://example.org/work"]
    )
    response: api.SubmitApplicationResponse = await harness.call(
        "SubmitApplication", request, caller
    )
    return response


async def refused(harness: Harness, posting_id: str, caller: Caller) -> grpc.StatusCode:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await apply(harness, posting_id, caller)
    code: grpc.StatusCode = err.value.code()
    return code


async def test_applying_to_a_closed_posting_is_refused(harness: Harness) -> None:
    closed = posting(status=pp.PostingStatus.POSTING_STATUS_CLOSED)
    late = posting()
    late.application_deadline.FromDatetime(datetime.now(UTC) - timedelta(minutes=1))
    for p in (closed, late):
        await harness.publish_posting(pe.PostingPublished(context=context(), posting=p), p.id)
        await harness.projected(p.id, 1)

    assert await refused(harness, closed.id, student()) == grpc.StatusCode.FAILED_PRECONDITION
    assert await refused(harness, late.id, student()) == grpc.StatusCode.FAILED_PRECONDITION
    assert await harness.db["applications"].count_documents({}) == 0


async def test_applying_to_an_invisible_posting_is_refused(harness: Harness) -> None:
    targets = [
        pp.UniversityTarget(university_id="uni_a", decision=pp.UNIVERSITY_DECISION_APPROVED),
        pp.UniversityTarget(university_id="uni_b", decision=pp.UNIVERSITY_DECISION_PENDING),
    ]
    aimed = posting(visibility=UNIVERSITIES, universities=targets)
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=aimed), aimed.id)
    await harness.projected(aimed.id, 1)

    assert await refused(harness, aimed.id, student("uni_b")) == grpc.StatusCode.NOT_FOUND
    assert await refused(harness, aimed.id, student("")) == grpc.StatusCode.NOT_FOUND
    # An unknown posting made long ago is not found (a fresh one may be just published:
    # test_selection.py).
    old = new_id("pst", now_ms=int((datetime.now(UTC) - timedelta(days=1)).timestamp() * 1000))
    assert await refused(harness, old, student()) == grpc.StatusCode.NOT_FOUND

    approved = student("uni_a")
    created = (await apply(harness, aimed.id, approved)).application
    assert created.status == ApplicationStatus.APPLICATION_STATUS_SUBMITTED
    assert created.university_id == "uni_a"
    assert created.company_id == aimed.company_id
    # One live application per student and posting.
    assert await refused(harness, aimed.id, approved) == grpc.StatusCode.ALREADY_EXISTS


async def test_bad_input_lists_every_violation_and_tenants_are_isolated(
    harness: Harness,
) -> None:
    open_ = posting()
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=open_), open_.id)
    await harness.projected(open_.id, 1)
    bad = api.SubmitApplicationRequest(
        posting_id="nope", pitch="", links=["http://insecure.example.org", "https://ok.example"]
    )
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await harness.call("SubmitApplication", bad, student())
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {v.field for v in field_violations_from_error(err.value)}
    assert fields == {"posting_id", "pitch", "links[0]"}

    mine = student()
    app = (await apply(harness, open_.id, mine)).application
    get = api.GetApplicationRequest(application_id=app.id)
    for outsider in (student(), employer("cmp_other")):
        with pytest.raises(grpc.aio.AioRpcError) as hidden:
            await harness.call("GetApplication", get, outsider)
        assert hidden.value.code() == grpc.StatusCode.NOT_FOUND
    seen = await harness.call("GetApplication", get, employer(open_.company_id))
    assert seen.application.id == app.id

    listed = await harness.call(
        "ListApplications", api.ListApplicationsRequest(posting_id=open_.id), mine
    )
    assert [a.id for a in listed.applications] == [app.id]
    others = await harness.call(
        "ListApplications", api.ListApplicationsRequest(posting_id=open_.id), student()
    )
    assert list(others.applications) == []
    # Another company's posting, or one nobody knows, is 404 (not an empty list).
    for posting_id, caller in ((open_.id, employer("cmp_other")), (new_posting_id(), mine)):
        request = api.ListApplicationsRequest(posting_id=posting_id)
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await harness.call("ListApplications", request, caller)
        assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
    own = await harness.call(
        "ListApplications",
        api.ListApplicationsRequest(posting_id=open_.id),
        employer(open_.company_id),
    )
    assert [a.id for a in own.applications] == [app.id]


def new_posting_id() -> str:
    return posting().id


async def test_concurrent_duplicate_applications_leave_one(harness: Harness) -> None:
    open_ = posting()
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=open_), open_.id)
    await harness.projected(open_.id, 1)
    me = student("uni_a")

    async def attempt() -> grpc.StatusCode:
        try:
            await apply(harness, open_.id, me)
        except grpc.aio.AioRpcError as err:
            return err.code()
        return grpc.StatusCode.OK

    codes = await asyncio.gather(*(attempt() for _ in range(5)))
    assert sorted(c.name for c in codes) == ["ALREADY_EXISTS"] * 4 + ["OK"]
    assert await harness.db["applications"].count_documents({"posting_id": open_.id}) == 1


async def test_the_company_pages_through_its_applications(harness: Harness) -> None:
    open_ = posting()
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=open_), open_.id)
    await harness.projected(open_.id, 1)
    ids = [(await apply(harness, open_.id, student())).application.id for _ in range(3)]
    company = employer(open_.company_id)
    await harness.call(
        "ShortlistApplication", api.ShortlistApplicationRequest(application_id=ids[0]), company
    )

    seen: list[str] = []
    token = ""
    for _ in range(3):
        request = api.ListApplicationsRequest(
            posting_id=open_.id, page=pagination_pb2.PageRequest(page_size=2, page_token=token)
        )
        page = await harness.call("ListApplications", request, company)
        seen += [a.id for a in page.applications]
        token = page.page.next_page_token
        if not token:
            break
    assert seen == sorted(ids, reverse=True)

    shortlisted = api.ListApplicationsRequest(
        status=ApplicationStatus.APPLICATION_STATUS_SHORTLISTED
    )
    page = await harness.call("ListApplications", shortlisted, company)
    assert [a.id for a in page.applications] == [ids[0]]
