"""A university that declines a posting after approving it: every waiting application of its
students is answered (rejected, `university_declined`, automatic) and takes no further
decision, while the other universities' applicants are untouched (real Kafka + FerretDB)."""

from __future__ import annotations

import grpc
import pytest

from stint.applications.v1 import applications_service_pb2 as api
from stint.kit.testing.poll import eventually
from stint.postings.v1 import events_pb2 as pe
from stint.postings.v1 import posting_pb2 as pp

from .support import Harness, context, employer, posting, student
from .test_applying import apply

UNIVERSITIES = pp.Visibility.VISIBILITY_UNIVERSITIES
APPROVED, DECLINED = pp.UNIVERSITY_DECISION_APPROVED, pp.UNIVERSITY_DECISION_DECLINED


def aimed(p_id: str, company: str, a: int, version: int) -> pp.Posting:
    return posting(
        id=p_id,
        company_id=company,
        visibility=UNIVERSITIES,
        universities=[
            pp.UniversityTarget(university_id="uni_a", decision=a),
            pp.UniversityTarget(university_id="uni_b", decision=APPROVED),
        ],
        positions=3,
        version=version,
    )


async def test_a_decline_after_approval_answers_its_students_and_blocks_decisions(
    harness: Harness,
) -> None:
    first = posting(visibility=UNIVERSITIES)
    p_id, company = first.id, first.company_id
    approved = aimed(p_id, company, APPROVED, 1)
    await harness.publish_posting(pe.PostingPublished(context=context(), posting=approved), p_id)
    await harness.projected(p_id, 1)
    a1 = (await apply(harness, p_id, student("uni_a"))).application.id
    a2 = (await apply(harness, p_id, student("uni_a"))).application.id
    b1 = (await apply(harness, p_id, student("uni_b"))).application.id
    boss = employer(company)
    await harness.call(
        "ShortlistApplication", api.ShortlistApplicationRequest(application_id=a2), boss
    )

    declined = aimed(p_id, company, DECLINED, 2)
    event = pe.PostingDeclinedForUniversity(context=context(), posting=declined)
    envelope = harness.envelope(event, p_id)
    await harness.publish(envelope, envelope)  # redelivered: answered once
    await harness.projected(p_id, 2)

    async def statuses() -> dict[str, tuple[str, str]]:
        docs = harness.db["applications"].find({"posting_id": p_id})
        return {d["_id"]: (d["status"], d.get("decision_reason", "")) async for d in docs}

    final = await eventually(
        statuses,
        until=lambda s: s[a1][0] == s[a2][0] == "REJECTED",
        what="uni_a's applications answered",
    )
    assert final[a1] == final[a2] == ("REJECTED", "university_declined")
    assert final[b1][0] == "SUBMITTED"  # uni_b still approves it
    for call, request in (
        ("ShortlistApplication", api.ShortlistApplicationRequest(application_id=a1)),
        ("HireCandidate", api.HireCandidateRequest(application_id=a2)),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await harness.call(call, request, boss)
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
