"""The words of an application's rejection notice: the employer's own reason when it gave
one, else what the automatic answer's code means (pure; the inbox rule formats it)."""

from __future__ import annotations

# Longest employer reason quoted in a notice (applications bounds it at 1,000 characters).
MAX_QUOTED = 500

# The codes applications rejects with automatically, in words a student understands.
AUTOMATIC: dict[str, str] = {
    "posting_filled": "every position was filled",
    "posting_closed": "the posting closed",
    "posting_cancelled": "the posting was cancelled",
    "posting_expired": "the posting expired",
    "posting_taken_down": "the posting was taken down",
    "university_declined": "your university declined the posting",
    "decision_deadline_passed": "the employer's decision deadline passed",
}


def rejection_reason(reason: str, automatic: bool) -> str:
    """The phrase ending "not selected: …", or "" when there is nothing to say."""
    reason = " ".join(reason.split())
    if automatic:
        return AUTOMATIC.get(reason, "")
    if not reason:
        return ""
    quoted = reason if len(reason) <= MAX_QUOTED else reason[: MAX_QUOTED - 1] + "…"
    return f"the employer said “{quoted}”"
