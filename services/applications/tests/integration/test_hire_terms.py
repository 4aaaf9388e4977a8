"""The posting's revision limit and milestones travel from its event, through the projection,
to CandidateHired's terms (issue 20)."""

from __future__ import annotations

from stint.applications.v1 import applications_service_pb2 as api
from stint.applications.v1 import events_pb2 as ae
from stint.common.v1 import work_pb2
from stint.postings.v1 import events_pb2 as pe

from .support import Harness, context, employer, posting, student
from .test_hiring_and_closure import of_type, published_events


async def test_the_hire_carries_the_postings_revision_limit_and_milestones(
    harness: Harness,
) -> None:
    plan = work_pb2.MilestonePlan(title="Outline", due_offset_days=3, deliverable="one page")
    p = posting(revision_limit=4, milestones=[plan])
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=p), p.id)
    await harness.projected(p.id, 1)
    applied = await harness.call(
        "SubmitApplication", api.SubmitApplicationRequest(posting_id=p.id, pitch="Me"), student()
    )
    app_id = applied.application.id
    company = employer(p.company_id)
    await harness.call(
        "ShortlistApplication", api.ShortlistApplicationRequest(application_id=app_id), company
    )
    await harness.call("HireCandidate", api.HireCandidateRequest(application_id=app_id), company)
    hired = of_type(await published_events(harness), ae.CandidateHired)
    terms = ae.CandidateHired.FromString(hired[-1].value).terms
    assert terms.revision_limit == 4
    assert list(terms.milestones) == [plan]
