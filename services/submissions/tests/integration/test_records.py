"""The experience record: signed, verifiable by anyone with the JWKS, tamper-evident."""

from __future__ import annotations

import json

from stint.kit.runner import ServiceRunner
from stint.submissions.v1 import events_pb2
from stint.submissions.v1 import submissions_service_pb2 as api
from submissions.adapters.signing import verify

from .support import Env, as_caller, new_parties, published, stub_for, types_of
from .test_lifecycle import hire_and_wait, submit_request


def edited(jws: str, index: int) -> str:
    replacement = "A" if jws[index] != "A" else "B"
    return jws[:index] + replacement + jws[index + 1 :]


async def test_a_record_verifies_and_any_edited_byte_fails(
    env: Env, service: ServiceRunner
) -> None:
    p = new_parties()
    await hire_and_wait(env, service, p)
    async with stub_for(service) as stub:
        await stub.SubmitWork(submit_request(p), metadata=p.student_md())
        await stub.ApproveSubmission(
            api.ApproveSubmissionRequest(engagement_id=p.engagement_id, submission_number=1),
            metadata=p.employer_md(),
        )
        await stub.GiveFeedback(
            api.GiveFeedbackRequest(
                engagement_id=p.engagement_id, rating=5, endorsed_skills=["SQL", "Excel"]
            ),
            metadata=p.employer_md(),
        )
        await stub.GiveFeedback(
            api.GiveFeedbackRequest(engagement_id=p.engagement_id, rating=4, comment="Great"),
            metadata=p.student_md(),
        )
        got = await stub.GetExperienceRecord(
            api.GetExperienceRecordRequest(engagement_id=p.engagement_id),
            metadata=p.student_md(),
        )
        again = await stub.GetExperienceRecord(
            api.GetExperienceRecordRequest(engagement_id=p.engagement_id),
            metadata=p.student_md(),
        )
        public = as_caller("", "")  # verifying needs no account, only the gateway's word
        ok = await stub.VerifyExperienceRecord(
            api.VerifyExperienceRecordRequest(jws=got.jws), metadata=public
        )
        jwks = await stub.GetJwks(api.GetJwksRequest(), metadata=public)
        tampered = [
            await stub.VerifyExperienceRecord(
                api.VerifyExperienceRecordRequest(jws=edited(got.jws, i)), metadata=public
            )
            for i in range(len(got.jws))
        ]

    assert again.jws == got.jws  # stable: fetched twice, signed once
    assert ok.valid
    assert ok.reason == "ok"
    assert ok.key_id == got.key_id == jwks.keys[0].kid
    assert ok.record.engagement_id == p.engagement_id
    assert ok.record.student_id == p.student
    assert ok.record.project_title == "Competitor pricing study"
    assert ok.record.employer_rating == 5
    assert list(ok.record.endorsed_skills) == ["SQL", "Excel"]
    assert [a.sha256 for a in ok.record.artifacts] == ["ab" * 32, ""]
    assert "Competitor pricing study" in got.resume_line
    assert "5/5" in got.resume_line
    assert [t.valid for t in tampered] == [False] * len(got.jws)
    assert {t.reason for t in tampered} <= {
        "malformed",
        "bad_signature",
        "unsupported_algorithm",
        "unknown_key",
    }
    # Offline, with nothing but the published JWKS:
    keys = json.loads(jwks.json)
    assert verify(got.jws, keys).valid
    assert not any(verify(edited(got.jws, i), keys).valid for i in range(len(got.jws)))

    records = await published(env, service, p.engagement_id)
    kinds = types_of(records)
    assert kinds.count("ExperienceRecordIssued") == 1
    assert kinds.count("FeedbackGiven") == 2
    assert kinds.count("FeedbackRevealed") == 1
    issued = events_pb2.ExperienceRecordIssued.FromString(records[-1].value)
    assert issued.key_id == got.key_id
