"""Institutions and trust through the gateway of the running platform (issue 19): an unverified
company's posting waits for an admin's review and opens once approved; applications, the
employer's view of the applicant and the signed record carry names, not ids; a flagged posting
taken down answers its applicants; each decision reaches the company's webhook subscriber."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import Receiver, auth, until_status
from .flow import apply, engagement_of, hire, posting, publish, review, submit
from .test_record_spelling import jws_parts

PROFILE = {
    "name": "Ada Okafor",
    "programme": "BSc Economics",
    "graduation_year": 2027,
    "stage": "CAREER_STAGE_STUDENT",
    "skills": ["market-research"],
    "work_authorized": True,
    "shared_with_employers": ["PROFILE_FIELD_PROGRAMME"],
}


async def _subscribe(
    http: httpx.AsyncClient, receiver: Receiver, employer: dict[str, str], path: str
) -> str:
    """The company's webhook endpoint for the review decisions; returns its secret."""
    kinds = ["posting.submitted_for_review", "posting.review_approved", "posting.taken_down"]
    hook = await http.post(
        "/v1/webhooks/endpoints",
        json={"url": f"{receiver.url}{path}", "event_types": kinds},
        headers=employer,
    )
    assert hook.status_code == 201, hook.text
    secret: str = hook.json()["secret"]
    return secret


async def _delivered(
    receiver: Receiver, path: str, secret: str, wanted: set[str]
) -> dict[str, dict[str, Any]]:
    """The verified webhook payloads at `path`, once every type in `wanted` arrived."""

    async def verified() -> dict[str, dict[str, Any]]:
        return receiver.verified(path, secret)

    found = await eventually(
        verified,
        until=lambda d: {p["type"] for p in d.values()} >= wanted,
        timeout=40,
        interval=0.2,
        what=f"webhooks {sorted(wanted)}",
    )
    return {p["type"]: p["data"] for p in found.values()}


@pytest.mark.timeout(240)
async def test_an_unverified_companys_posting_waits_for_review_and_names_reach_the_record(
    http: httpx.AsyncClient, receiver: Receiver, unique: str
) -> None:
    company, university = f"cmp_{unique}", f"uni_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student_id = f"stu_{unique}"
    student = auth("student", student_id, university)
    admin = auth("admin", f"ops_{unique}")
    secret = await _subscribe(http, receiver, employer, f"/review-{unique}")

    saved = await http.put(
        f"/v1/companies/{company}",
        json={"display_name": "Acme Robotics", "website": "https://acme.example"},
        headers=employer,
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["verification"]["status"] == "VERIFICATION_STATUS_UNVERIFIED"
    profile = await http.put("/v1/me/profile", json=PROFILE, headers=student)
    assert profile.status_code == 200, profile.text
    assert profile.json()["school"] == {"university_id": university, "name": "", "verified": True}

    created = await http.post("/v1/postings", json=posting(f"Reviewed {unique}"), headers=employer)
    assert created.status_code == 201, created.text
    posting_id = created.json()["id"]
    assert created.json()["company_name"] == "Acme Robotics"
    published = await http.post(f"/v1/postings/{posting_id}/publish", json={}, headers=employer)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "POSTING_STATUS_PENDING_REVIEW"
    codes = {f["code"] for f in published.json()["review"]["findings"]}
    assert codes == {"unverified_company"}

    # Waiting: not open to students, first in the admins' queue.
    refused = await http.post(
        f"/v1/postings/{posting_id}/applications", json={"pitch": "Hi"}, headers=student
    )
    assert refused.status_code == 404, refused.text
    queue = await http.get("/v1/admin/review/postings", headers=admin)
    assert posting_id in {p["id"] for p in queue.json()["postings"]}, queue.text
    assert (await http.get("/v1/admin/review/postings", headers=employer)).status_code == 403

    approved = await http.post(
        f"/v1/admin/review/postings/{posting_id}/approve", json={}, headers=admin
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "POSTING_STATUS_OPEN"
    data = await _delivered(
        receiver,
        f"/review-{unique}",
        secret,
        {"posting.submitted_for_review", "posting.review_approved"},
    )
    assert data["posting.review_approved"]["posting"]["id"] == posting_id

    # Names, not ids: the application, the employer's view of the applicant, the record.
    application_id = await apply(http, posting_id, student)
    application = (await http.get(f"/v1/applications/{application_id}", headers=employer)).json()
    assert (application["student_name"], application["company_name"]) == (
        "Ada Okafor",
        "Acme Robotics",
    )
    seen = await http.get(f"/v1/students/{student_id}", headers=employer)
    assert seen.status_code == 200, seen.text
    assert (seen.json()["name"], seen.json()["programme"]) == ("Ada Okafor", "BSc Economics")
    assert seen.json().get("graduation_year", 0) == 0  # not shared with employers
    stranger = auth("employer", f"other_{unique}", f"cmp_other_{unique}")
    unseen = await http.get(f"/v1/students/{student_id}", headers=stranger)
    assert unseen.status_code == 404, unseen.text

    await hire(http, application_id, employer)
    engagement_id = await engagement_of(http, student)
    engagement = (await http.get(f"/v1/engagements/{engagement_id}", headers=student)).json()
    assert (engagement["student_name"], engagement["company_name"]) == (
        "Ada Okafor",
        "Acme Robotics",
    )
    number = await submit(http, engagement_id, student)
    assert (await review(http, engagement_id, employer, "approve", number)).status_code == 200
    fetched = await http.get(f"/v1/engagements/{engagement_id}/experience-record", headers=student)
    assert fetched.status_code == 200, fetched.text
    _, claims = jws_parts(fetched.json()["jws"])
    assert (claims["student_name"], claims["company_name"]) == ("Ada Okafor", "Acme Robotics")
    assert (claims["student_id"], claims["company_id"]) == (student_id, company)
    assert "Acme Robotics" in fetched.json()["resume_line"]
    assert company not in fetched.json()["resume_line"]


@pytest.mark.timeout(180)
async def test_a_declined_posting_goes_back_and_a_taken_down_one_answers_its_applicants(
    http: httpx.AsyncClient, receiver: Receiver, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    reporter = auth("student", f"rep_{unique}")
    admin = auth("admin", f"ops_{unique}")

    # Unverified: declined with a reason, back to draft for the company to fix.
    draft = await http.post("/v1/postings", json=posting(f"Declined {unique}"), headers=employer)
    pending = await http.post(
        f"/v1/postings/{draft.json()['id']}/publish", json={}, headers=employer
    )
    assert pending.json()["status"] == "POSTING_STATUS_PENDING_REVIEW", pending.text
    declined = await http.post(
        f"/v1/admin/review/postings/{draft.json()['id']}/decline",
        json={"reason": "Describe the deliverable and who owns it."},
        headers=admin,
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "POSTING_STATUS_DRAFT"
    assert declined.json()["review"]["status"] == "REVIEW_STATUS_DECLINED"
    assert declined.json()["review"]["reason"] == "Describe the deliverable and who owns it."

    # Verified (the flow verifies the company): open at once; flagged, taken down, answered.
    secret = await _subscribe(http, receiver, employer, f"/takedown-{unique}")
    posting_id = await publish(http, employer, posting(f"Taken down {unique}"))
    application_id = await apply(http, posting_id, student)
    flagged = await until_status(
        http,
        "POST",
        f"/v1/postings/{posting_id}/flags",
        202,
        json={"reason": "Asks applicants to pay for training materials."},
        headers=reporter,
    )
    assert flagged.status_code == 202, flagged.text
    queue = await http.get("/v1/admin/review/postings", headers=admin)
    assert posting_id in {p["id"] for p in queue.json()["postings"]}, queue.text
    taken = await http.post(
        f"/v1/postings/{posting_id}/takedown",
        json={"reason": "Charges applicants: against the platform's rules."},
        headers=admin,
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "POSTING_STATUS_TAKEN_DOWN"

    answered = await eventually(
        lambda: http.get(f"/v1/applications/{application_id}", headers=student),
        until=lambda r: r.json().get("status") == "APPLICATION_STATUS_REJECTED",
        timeout=30,
        interval=0.2,
        what="the applicant's answer",
    )
    assert answered.json()["decision_reason"] == "posting_taken_down"
    data = await _delivered(receiver, f"/takedown-{unique}", secret, {"posting.taken_down"})
    assert data["posting.taken_down"]["posting"]["id"] == posting_id
