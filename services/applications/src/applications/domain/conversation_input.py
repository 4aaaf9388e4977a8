"""What a sender writes, converted from the wire, and its bounds (domain/conversation.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from applications.domain.commands import link_problem
from applications.domain.conversation import Artifact
from stint.kit.errors import FieldViolation, InvalidArgument
from stint.kit.ids import is_id

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_ARTIFACT_NAME = 200


@dataclass(frozen=True)
class MessageLimits:
    max_chars: int = 5000
    max_artifacts: int = 10


@dataclass(frozen=True)
class PostMessage:
    conversation_id: str
    text: str
    artifacts: tuple[Artifact, ...]

    def validate(self, limits: MessageLimits) -> None:
        """Raise InvalidArgument naming every offending field at once."""
        problems = id_violations("conversation_id", self.conversation_id)
        if not self.text.strip():
            problems.append(FieldViolation("text", "must not be empty"))
        elif len(self.text) > limits.max_chars:
            problems.append(FieldViolation("text", f"at most {limits.max_chars} characters"))
        if len(self.artifacts) > limits.max_artifacts:
            problems.append(FieldViolation("artifacts", f"at most {limits.max_artifacts}"))
        for i, a in enumerate(self.artifacts[: limits.max_artifacts]):
            problems += _artifact(f"artifacts[{i}]", a)
        raise_if(problems)


def _artifact(at: str, a: Artifact) -> list[FieldViolation]:
    found = []
    if not a.name.strip() or len(a.name) > MAX_ARTIFACT_NAME:
        found.append(FieldViolation(f"{at}.name", f"1 to {MAX_ARTIFACT_NAME} characters"))
    reason = link_problem(a.url)
    if reason:
        found.append(FieldViolation(f"{at}.url", reason))
    if a.sha256 and not _SHA256.fullmatch(a.sha256):
        found.append(FieldViolation(f"{at}.sha256", "64 lower-case hex digits, or empty"))
    return found


def id_violations(field: str, value: str) -> list[FieldViolation]:
    if not is_id(value, "cnv"):
        return [FieldViolation(field, "must be a cnv_ id")]
    return []


def raise_if(problems: list[FieldViolation]) -> None:
    if problems:
        summary = "; ".join(f"{p.field}: {p.description}" for p in problems)
        raise InvalidArgument(summary, problems)
