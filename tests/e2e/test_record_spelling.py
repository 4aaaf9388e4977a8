"""One engagement, one spelling (issue 17): the webhook bodies' `data`, the REST resources (the
engagement, its experience record, the record verified) and the claims signed into the record
use the same field names and the same enum values for what they share."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import Receiver, auth
from .flow import hired_engagement, review, submit

# Standard JWT claims and our record type: the JWS's own vocabulary, not the engagement's.
JWT_CLAIMS = {"iss", "typ"}
# What the ExperienceRecord message calls differently from the claims it decodes: `issuer` is
# the JWT `iss`; `company` is that message's (proto) field name for the company id.
# The record message names `iss` issuer, and keeps the deprecated `company` beside company_id.
RECORD_MESSAGE_NAMES = {"issuer": "iss", "company": "company_id"}
# What the claims share with the engagement's snapshot (REST and webhooks alike).
SHARED_WITH_ENGAGEMENT = {
    "student_id",
    "company_id",
    "student_name",
    "company_name",
    "delivered_late",
    "category",
    "started_at",
    "completed_at",
    "estimated_hours",
}


def jws_parts(jws: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(protected header, claims) of a compact JWS, decoded (the signature is checked by the
    verify route)."""
    header, claims, _ = jws.split(".")

    def decode(part: str) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(
            base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        )
        return decoded

    return decode(header), decode(claims)


def same_for_shared(what: str, resource: dict[str, Any], claims: dict[str, Any]) -> set[str]:
    """The names `resource` and the claims share, each with the same value; returns them."""
    shared = set(resource) & set(claims)
    different = {k: (resource[k], claims[k]) for k in shared if resource[k] != claims[k]}
    assert different == {}, f"{what} and the record's claims differ: {different}"
    return shared


@pytest.mark.timeout(180)
async def test_webhooks_rest_and_the_signed_record_spell_one_engagement_alike(
    http: httpx.AsyncClient, receiver: Receiver, unique: str
) -> None:
    company = f"cmp_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    student = auth("student", f"stu_{unique}")
    hook = await http.post(
        "/v1/webhooks/endpoints", json={"url": f"{receiver.url}/{company}"}, headers=employer
    )
    assert hook.status_code == 201, hook.text
    secret = hook.json()["secret"]

    engagement_id = await hired_engagement(http, employer, student, f"Spelling study {unique}")
    approved = await review(
        http, engagement_id, employer, "approve", await submit(http, engagement_id, student)
    )
    assert approved.json()["status"] == "ENGAGEMENT_STATUS_COMPLETED", approved.text
    # No feedback given: the rating is the default, which REST prints (0), never null.
    fetched = await http.get(f"/v1/engagements/{engagement_id}/experience-record", headers=student)
    assert fetched.status_code == 200, fetched.text
    header, claims = jws_parts(fetched.json()["jws"])
    rest_record = fetched.json()["record"]
    verified = await http.post("/v1/experience-records/verify", json={"jws": fetched.json()["jws"]})
    assert verified.json()["valid"] is True, verified.text
    assert verified.json()["record"] == rest_record
    engagement = (await http.get(f"/v1/engagements/{engagement_id}", headers=student)).json()

    wanted = {"engagement.completed", "experience_record.issued"}
    delivered = await eventually(
        lambda: receiver.verified(f"/{company}", secret),
        until=lambda d: {p["type"] for p in d.values()} >= wanted,
        timeout=40,
        interval=0.2,
        what="the engagement's webhooks",
    )
    data = {p["type"]: p["data"] for p in delivered.values() if p["type"] in wanted}
    issued, completed = data["experience_record.issued"], data["engagement.completed"]

    # The engagement as REST serves it and as the webhook carried it.
    for what, snapshot in (
        ("GET engagement", engagement),
        ("engagement.completed", completed["engagement"]),
    ):
        assert same_for_shared(what, snapshot, claims) == SHARED_WITH_ENGAGEMENT
    assert claims["category"] == engagement["category"] == "CATEGORY_MARKET_RESEARCH"

    # The event of the record: every field but the key id (the JWS header's `kid`) is a claim.
    names = set(issued) - {"context", "key_id"}
    assert same_for_shared("experience_record.issued", issued, claims) == names
    assert issued["key_id"] == header["kid"] == fetched.json()["key_id"]

    # The decoded record REST returns: same names, same values, defaults printed alike.
    shared = same_for_shared("the record route", rest_record, claims)
    assert set(rest_record) - shared == set(RECORD_MESSAGE_NAMES)
    for name, claim in RECORD_MESSAGE_NAMES.items():
        assert rest_record[name] == claims[claim], name
    assert set(claims) - shared <= JWT_CLAIMS | set(RECORD_MESSAGE_NAMES.values())
    assert claims["employer_rating"] == rest_record["employer_rating"] == 0
    assert claims["endorsed_skills"] == rest_record["endorsed_skills"] == []
