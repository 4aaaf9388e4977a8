"""Input rules and the AI policy."""

from __future__ import annotations

import pytest

from stint.kit.errors import InvalidArgument
from submissions.domain import validation
from submissions.domain.errors import AiUseForbidden
from submissions.domain.model import AiPolicy, Artifact, CriterionResult
from submissions.domain.validation import Violations

GOOD = Artifact("deck.pdf", "https://files.example/deck.pdf", "ab" * 32, 10)


def fields(v: Violations) -> list[str]:
    return [item.field for item in v.items]


def test_forbidden_ai_use_is_refused() -> None:
    with pytest.raises(AiUseForbidden):
        validation.ai_policy(Violations(), AiPolicy.NOT_ALLOWED, True, "I used it a bit")


@pytest.mark.parametrize("policy", list(AiPolicy))
def test_no_ai_use_is_always_fine(policy: AiPolicy) -> None:
    v = Violations()
    validation.ai_policy(v, policy, False, "")
    assert v.items == []


def test_disclosure_policy_needs_a_disclosure_when_ai_was_used() -> None:
    v = Violations()
    validation.ai_policy(v, AiPolicy.DISCLOSE, True, "  ")
    assert fields(v) == ["ai_disclosure"]
    ok = Violations()
    validation.ai_policy(ok, AiPolicy.DISCLOSE, True, "Drafted the intro with an LLM")
    validation.ai_policy(ok, AiPolicy.ALLOWED, True, "")
    assert ok.items == []


def test_every_bad_artifact_field_is_reported_at_once() -> None:
    v = Violations()
    bad = Artifact("", "ftp://x", "XYZ", -1)
    validation.submission(v, "n" * 5001, [GOOD, bad], False, "")
    assert fields(v) == [
        "note",
        "artifacts[1].name",
        "artifacts[1].url",
        "artifacts[1].sha256",
        "artifacts[1].size_bytes",
    ]
    with pytest.raises(InvalidArgument) as raised:
        v.raise_if_any()
    assert len(raised.value.violations) == 5


def test_artifact_count_and_empty_delivery() -> None:
    v = Violations()
    validation.submission(v, "", [GOOD] * 21, False, "")
    assert fields(v) == ["artifacts"]
    empty = Violations()
    validation.submission(empty, " ", [], False, "")
    assert fields(empty) == ["artifacts"]


def test_review_criteria_must_be_the_engagements_and_unique() -> None:
    v = Violations()
    criteria = [CriterionResult("A", True), CriterionResult("Z", False), CriterionResult("A", True)]
    validation.review(v, "", criteria, ["A", "B"], feedback_required=True)
    assert fields(v) == ["feedback", "criteria[1].criterion", "criteria[2].criterion"]


def test_ratings_and_endorsements() -> None:
    v = Violations()
    validation.rating(v, 6, "", ["SQL", "Cooking"], ["SQL"], may_endorse=True)
    assert fields(v) == ["rating", "endorsed_skills[1]"]
    student = Violations()
    validation.rating(student, 5, "", ["SQL"], ["SQL"], may_endorse=False)
    assert fields(student) == ["endorsed_skills"]
