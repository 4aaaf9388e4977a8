"""Input rules: every violation of a request is reported at once, as field violations."""

from __future__ import annotations

import re
from collections.abc import Sequence

from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.ids import is_id
from submissions.domain.commands import Funded, Hire
from submissions.domain.errors import AiUseForbidden
from submissions.domain.model import AiPolicy, Artifact, CriterionResult

MAX_NOTE = 5000
MAX_ARTIFACTS = 20
MAX_NAME = 200
MAX_URL = 2048
MAX_FEEDBACK = 5000
MAX_REASON = 1000
MAX_COMMENT = 2000
MAX_SKILLS = 20
MAX_DISCLOSURE = 2000
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# https only, as application links (and the proto's pattern on Artifact.url).
URL = re.compile(r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?([/?#][!-~]*)?$")


class Violations:
    """Collects violations; `raise_if_any` turns them into one InvalidArgument."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self.items.append(FieldViolation(field, description))

    def length(self, field: str, value: str, maximum: int, *, required: bool = False) -> None:
        if required and not value.strip():
            self.add(field, "required")
        elif len(value) > maximum:
            self.add(field, f"at most {maximum} characters")

    def raise_if_any(self) -> None:
        if self.items:
            fields = ", ".join(v.field for v in self.items)
            raise InvalidArgument(f"invalid request: {fields}", self.items)


def engagement_id(v: Violations, value: str) -> None:
    if not is_id(value, "eng"):
        v.add("engagement_id", "must be an engagement id (eng_…)")


def submission(
    v: Violations, note: str, artifacts: Sequence[Artifact], ai_used: bool, disclosure: str
) -> None:
    v.length("note", note, MAX_NOTE)
    v.length("ai_disclosure", disclosure, MAX_DISCLOSURE)
    if not artifacts and not note.strip():
        v.add("artifacts", "deliver at least one artifact or a note")
    if len(artifacts) > MAX_ARTIFACTS:
        v.add("artifacts", f"at most {MAX_ARTIFACTS}")
    for i, item in enumerate(artifacts[:MAX_ARTIFACTS]):
        artifact(v, f"artifacts[{i}]", item)


def artifact(v: Violations, field: str, a: Artifact) -> None:
    v.length(f"{field}.name", a.name, MAX_NAME, required=True)
    if len(a.url) > MAX_URL or not URL.match(a.url):
        v.add(f"{field}.url", "must be an https URL")
    if a.sha256 and not SHA256.match(a.sha256):
        v.add(f"{field}.sha256", "must be 64 lower-case hex digits")
    if a.size_bytes < 0:
        v.add(f"{field}.size_bytes", "must not be negative")


def ai_policy(v: Violations, policy: AiPolicy, ai_used: bool, disclosure: str) -> None:
    """Forbidden use is refused outright; disclosed use must say how AI was used."""
    if ai_used and policy is AiPolicy.NOT_ALLOWED:
        raise AiUseForbidden("the posting does not allow generative AI")
    if ai_used and policy is AiPolicy.DISCLOSE and not disclosure.strip():
        v.add("ai_disclosure", "required: the posting asks how AI was used")


def review(
    v: Violations,
    feedback: str,
    criteria: Sequence[CriterionResult],
    acceptance_criteria: Sequence[str],
    *,
    feedback_required: bool,
) -> None:
    v.length("feedback", feedback, MAX_FEEDBACK, required=feedback_required)
    seen: set[str] = set()
    for i, result in enumerate(criteria):
        if result.criterion not in acceptance_criteria:
            v.add(f"criteria[{i}].criterion", "not an acceptance criterion of this engagement")
        elif result.criterion in seen:
            v.add(f"criteria[{i}].criterion", "given twice")
        seen.add(result.criterion)


def submission_number(v: Violations, number: int) -> None:
    if number < 1:
        v.add("submission_number", "must be 1 or more")


def cancel_reason(v: Violations, reason: str) -> None:
    v.length("reason", reason, MAX_REASON, required=True)


def rating(
    v: Violations,
    value: int,
    comment: str,
    skills: Sequence[str],
    posting_skills: Sequence[str],
    *,
    may_endorse: bool,
) -> None:
    if not 1 <= value <= 5:
        v.add("rating", "must be 1 to 5")
    v.length("comment", comment, MAX_COMMENT)
    if skills and not may_endorse:
        v.add("endorsed_skills", "only the employer endorses skills")
    elif len(skills) > MAX_SKILLS:
        v.add("endorsed_skills", f"at most {MAX_SKILLS}")
    elif len(set(skills)) != len(skills):
        v.add("endorsed_skills", "each skill at most once")
    else:
        for i, skill in enumerate(skills):
            if skill not in posting_skills:
                v.add(f"endorsed_skills[{i}]", "not one of the posting's skills")


def hire(h: Hire) -> None:
    """A CandidateHired must name the application, the student and the company."""
    v = Violations()
    if not is_id(h.application_id, "app"):
        v.add("application.id", "must be an application id (app_…)")
    if not h.student_id:
        v.add("application.student_id", "required")
    if not h.company_id:
        v.add("terms.company_id", "required")
    if h.fee.amount_minor < 0 or (h.fee.amount_minor and len(h.fee.currency) != 3):
        v.add("terms.fee", "a non-negative amount with an ISO 4217 currency")
    v.raise_if_any()


def funding(f: Funded) -> None:
    """A FundingSecured must name the engagement it pays for (eng_…, as this service made it)."""
    v = Violations()
    if not is_id(f.engagement_id, "eng"):
        v.add("funding.engagement_id", "must be an engagement id (eng_…)")
    v.raise_if_any()
