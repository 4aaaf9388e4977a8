"""Input rules of disputes: every violation at once, as field violations (`Violations`)."""

from __future__ import annotations

from collections.abc import Sequence

from stint.kit.ids import is_id
from stint.kit.money import Money
from submissions.domain.commands import EvidenceRef
from submissions.domain.dispute import EvidenceKind, Outcome, Reason
from submissions.domain.model import Engagement
from submissions.domain.validation import MAX_URL, URL, Violations

MAX_STATEMENT = 5000
MAX_DECISION = 5000
MAX_EVIDENCE = 10
MAX_REFERENCE = 2048
MAX_MESSAGE_ID = 200
MAX_EVIDENCE_NOTE = 1000


def dispute_id(v: Violations, value: str) -> None:
    if not is_id(value, "dsp"):
        v.add("dispute_id", "must be a dispute id (dsp_…)")


def claim(v: Violations, reason: Reason | None) -> None:
    if reason is None:
        v.add("reason", "required: one of the dispute reasons")


def statement(v: Violations, text: str, evidence: Sequence[EvidenceRef], e: Engagement) -> None:
    """A statement and its evidence; submissions and artifacts must be this engagement's."""
    v.length("statement", text, MAX_STATEMENT, required=True)
    if len(evidence) > MAX_EVIDENCE:
        v.add("evidence", f"at most {MAX_EVIDENCE}")
    for i, item in enumerate(evidence[:MAX_EVIDENCE]):
        v.length(f"evidence[{i}].note", item.note, MAX_EVIDENCE_NOTE)
        if item.kind is None:
            v.add(f"evidence[{i}].kind", "required: SUBMISSION, ARTIFACT, MESSAGE or LINK")
            continue
        problem = _reference_problem(item, e)
        if problem:
            v.add(f"evidence[{i}].reference", problem)


def _reference_problem(item: EvidenceRef, e: Engagement) -> str:
    ref = item.reference.strip()
    if not ref:
        return "required"
    if len(ref) > MAX_REFERENCE:
        return f"at most {MAX_REFERENCE} characters"
    numbers = {s.number: s for s in e.submissions}
    if item.kind is EvidenceKind.SUBMISSION:
        ok = ref.isdigit() and int(ref) in numbers
        return "" if ok else "must be the number of a submission of this engagement"
    if item.kind is EvidenceKind.ARTIFACT:
        number, _, name = ref.partition("/")
        found = numbers.get(int(number)) if number.isdigit() else None
        ok = found is not None and any(a.name == name for a in found.artifacts)
        return "" if ok else "must be <submission number>/<artifact name> of this engagement"
    if item.kind is EvidenceKind.MESSAGE:
        return "" if len(ref) <= MAX_MESSAGE_ID else f"at most {MAX_MESSAGE_ID} characters"
    return "" if len(ref) <= MAX_URL and URL.match(ref) else "must be an http(s) URL"


def resolution(
    v: Violations, outcome: Outcome | None, released: Money | None, decision: str, fee: Money
) -> None:
    """A written decision and an outcome; `released` only with (and required for) a partial
    release: in the fee's currency, more than zero, less than the fee."""
    v.length("decision", decision, MAX_DECISION, required=True)
    if outcome is None:
        v.add("outcome", "required: RELEASE_FULL, PARTIAL_RELEASE or REFUND_FULL")
        return
    if outcome is not Outcome.PARTIAL_RELEASE:
        if released is not None:
            v.add("released", "given only with PARTIAL_RELEASE")
        return
    if released is None:
        v.add("released", "required with PARTIAL_RELEASE: the share paid to the intern")
        return
    if released.currency != fee.currency:
        v.add("released.currency", f"must be the fee's currency ({fee.currency})")
    if not 0 < released.amount_minor < fee.amount_minor:
        v.add(
            "released.amount_minor",
            f"must be more than 0 and less than the fee ({fee.amount_minor} minor units)",
        )
