"""The verifiable experience record: what a completed engagement attests, as a JSON payload.

The payload is canonical JSON (sorted keys, no spaces, UTF-8) so the same engagement always
yields the same bytes; the signing adapter wraps it in a JWS.

The claims are spelled as the REST API and the webhooks spell the same engagement: proto field
names (`company_id`), enum values by their full proto names (`CATEGORY_MARKET_RESEARCH`), a
default printed rather than null (`employer_rating` 0), times in RFC 3339 UTC as protojson
prints a Timestamp. Records signed before that (issue 17) still verify: `current` reads them.
The student's and the company's names (issue 19) are claims beside their ids, "" when unknown
(as REST prints the engagement); records signed before names read as "" too. `delivered_late`
(issue 20) says whether the first delivery came after the due date; older records read false.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from submissions.domain import feedback
from submissions.domain.errors import WrongState
from submissions.domain.model import Engagement, IssuedRecord, Status

ISSUER = "stint"
RECORD_TYPE = "stint.experience-record.v1"
CATEGORY_PREFIX = "CATEGORY_"
# Claim names of records signed before the claims took the REST spelling → today's names.
_LEGACY_NAMES = {"company": "company_id"}
_TIMES = ("started_at", "completed_at", "issued_at")
_NAMES = ("student_name", "company_name")


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a signed record: valid, or why not (`reason`: malformed,
    unsupported_algorithm, unknown_key, bad_signature, invalid_payload)."""

    valid: bool
    reason: str
    kid: str = ""
    claims: dict[str, Any] | None = None


def iso(value: datetime) -> str:
    """RFC 3339 UTC in milliseconds, as protojson prints a Timestamp (and so REST and the
    webhooks): `…T09:30:00.120Z`, and no fraction at all on a whole second."""
    value = value.astimezone(UTC)
    whole = value.replace(microsecond=0, tzinfo=None).isoformat()
    millis = value.microsecond // 1000
    return f"{whole}.{millis:03d}Z" if millis else f"{whole}Z"


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def payload(engagement: Engagement, issued_at: datetime) -> dict[str, Any]:
    """The claims of the record; the employer's rating and endorsements only once revealed."""
    started, completed = engagement.started_at, engagement.completed_at
    # A completed engagement was started (funded) and completed: both times are set.
    if engagement.status is not Status.COMPLETED or started is None or completed is None:
        raise WrongState("an experience record is issued once the engagement is completed")
    employer = feedback.revealed_employer_feedback(engagement)
    approved = engagement.latest
    artifacts = approved.artifacts if approved else ()
    return {
        "iss": ISSUER,
        "typ": RECORD_TYPE,
        "engagement_id": engagement.id,
        "student_id": engagement.student_id,
        "company_id": engagement.company_id,
        "student_name": engagement.student_name,
        "company_name": engagement.company_name,
        "project_title": engagement.title,
        "category": CATEGORY_PREFIX + engagement.category,
        "started_at": iso(started),
        "completed_at": iso(completed),
        "estimated_hours": engagement.estimated_hours,
        "endorsed_skills": list(employer.endorsed_skills) if employer else [],
        "employer_rating": employer.rating if employer else 0,
        "artifacts": [{"name": a.name, "sha256": a.sha256} for a in artifacts],
        "issued_at": iso(issued_at),
        # The first delivery came after the due date in force (issue 20).
        "delivered_late": bool(engagement.submissions and engagement.submissions[0].late),
    }


CLAIM_TYPES: dict[str, type | tuple[type, ...]] = {
    "iss": str,
    "typ": str,
    "engagement_id": str,
    "student_id": str,
    "company_id": str,
    "student_name": str,
    "company_name": str,
    "project_title": str,
    "category": str,
    "started_at": str,
    "completed_at": str,
    "estimated_hours": int,
    "endorsed_skills": list,
    "employer_rating": int,
    "artifacts": list,
    "issued_at": str,
    "delivered_late": bool,
}


def current(claims: dict[str, Any]) -> dict[str, Any]:
    """The claims in today's spelling, whichever spelling they were signed in. Records issued
    before issue 17 said `company` for the company id, the category without its `CATEGORY_`
    prefix, null for a rating not (yet) revealed, and `.000` on a whole second."""
    out = dict(claims)
    for name in _TIMES:
        if isinstance(out.get(name), str):
            out[name] = _respelled(out[name])
    for old, new in _LEGACY_NAMES.items():
        if old in out:
            value = out.pop(old)
            out.setdefault(new, value)
    category = out.get("category")
    if isinstance(category, str) and not category.startswith(CATEGORY_PREFIX):
        out["category"] = CATEGORY_PREFIX + category
    if "employer_rating" in out and out["employer_rating"] is None:
        out["employer_rating"] = 0
    for name in _NAMES:  # records signed before names (issue 19) have none: ""
        out.setdefault(name, "")
    out.setdefault("delivered_late", False)  # signed before lateness was recorded (issue 20)
    return out


def _respelled(value: str) -> str:
    try:
        when = parse_iso(value)
    except ValueError:
        return value  # not a time: `is_record` and the decoder refuse it
    return iso(when) if when.tzinfo is not None else value


def spelled_currently(claims: dict[str, Any]) -> bool:
    """Whether signed claims already use today's spelling (else the record is signed anew)."""
    return current(claims) == claims


def is_record(claims: dict[str, Any]) -> bool:
    """Whether signed claims (in either spelling) are an experience record of ours (a platform
    key might one day sign other things; their signatures must not pass as records)."""
    claims = current(claims)
    shaped = all(isinstance(claims.get(k), t) for k, t in CLAIM_TYPES.items())
    return shaped and claims["iss"] == ISSUER and claims["typ"] == RECORD_TYPE


def canonical(claims: dict[str, Any]) -> bytes:
    return json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def is_current(engagement: Engagement) -> bool:
    """Whether the stored record still says everything there is to say (a record issued
    before the ratings were revealed lacks the employer's rating)."""
    record = engagement.record
    return record is not None and record.includes_rating == engagement.feedback_revealed


def remember(engagement: Engagement, jws: str, key_id: str, issued_at: datetime) -> None:
    engagement.record = IssuedRecord(jws, key_id, issued_at, engagement.feedback_revealed)


def resume_line(claims: dict[str, Any]) -> str:
    """E.g. "Competitor pricing study — 20-hour market research micro-internship for
    Acme 3D, completed Mar 2026; employer rating 5/5; skills: Excel, SQL (verified by Stint)";
    the company's id stands in for a name it did not have at the hire."""
    claims = current(claims)
    category = str(claims.get("category", "")).removeprefix(CATEGORY_PREFIX)
    category = category.replace("_", " ").lower()
    kind = (
        f"{category} micro-internship"
        if category and category != "unspecified"
        else ("micro-internship")
    )
    completed = parse_iso(str(claims["completed_at"])).strftime("%b %Y")
    parts = [
        f"{claims['project_title']} — {claims['estimated_hours']}-hour {kind} for "
        f"{claims['company_name'] or claims['company_id']}, completed {completed}"
    ]
    if claims.get("employer_rating"):
        parts.append(f"employer rating {claims['employer_rating']}/5")
    if claims.get("endorsed_skills"):
        parts.append("skills: " + ", ".join(claims["endorsed_skills"]))
    return "; ".join(parts) + " (verified by Stint)"
