"""Domain counters of the submissions service, defined once per process."""

from __future__ import annotations

from prometheus_client import Counter

ENGAGEMENTS_CREATED = Counter(
    "stint_engagements_created_total",
    "Engagements created from CandidateHired events (awaiting funding).",
)
ENGAGEMENTS_STARTED = Counter(
    "stint_engagements_started_total",
    "Engagements started: their funding was secured (EngagementStarted).",
)
ENGAGEMENTS_FUNDING_EXPIRED = Counter(
    "stint_engagements_funding_expired_total",
    "Engagements cancelled because the funding window passed without funding.",
)
SUBMISSIONS_RECEIVED = Counter("stint_submissions_received_total", "Work submissions received.")
REVISIONS_REQUESTED = Counter(
    "stint_revisions_requested_total", "Revisions requested by employers."
)
SUBMISSIONS_APPROVED = Counter(
    "stint_submissions_approved_total",
    "Submissions approved, by mode (manual by the employer, auto after the review window).",
    ["mode"],
)
ENGAGEMENTS_CANCELLED = Counter(
    "stint_engagements_cancelled_total",
    "Engagements cancelled by a person, by who: employer, student (withdrew) or platform (admin).",
    ["by"],
)
ENGAGEMENTS_OVERDUE = Counter(
    "stint_engagements_overdue_total", "Engagements whose due date passed with nothing submitted."
)
EXTENSIONS = Counter(
    "stint_extensions_total", "Extension requests and their answers.", ["event"]
)  # event: requested, granted, declined, withdrawn
MILESTONES_CHECKED_OFF = Counter(
    "stint_milestones_checked_off_total",
    "Milestones checked off (student) and confirmed (employer).",
    ["by"],
)
MILESTONES_DUE = Counter(
    "stint_milestones_due_total", "Open milestones whose due time passed (MilestoneDue)."
)
FEEDBACK_GIVEN = Counter(
    "stint_feedback_given_total", "Ratings given after completion, by author.", ["author"]
)
FEEDBACK_REVEALED = Counter(
    "stint_feedback_revealed_total", "Double-blind ratings revealed, by trigger.", ["trigger"]
)
RECORDS_ISSUED = Counter(
    "stint_experience_records_issued_total", "Signed experience records issued."
)
RECORD_VERIFICATIONS = Counter(
    "stint_experience_record_verifications_total",
    "Experience record verifications, by outcome (ok or the failure reason).",
    ["outcome"],
)
DISPUTES_OPENED = Counter(
    "stint_disputes_opened_total", "Disputes opened, by the side that opened them.", ["by"]
)
DISPUTES_ANSWERED = Counter(
    "stint_disputes_answered_total", "Disputes answered by the other side before the deadline."
)
DISPUTES_ESCALATED = Counter(
    "stint_disputes_escalated_total",
    "Disputes sent to an admin because the answer deadline passed unanswered.",
)
DISPUTES_RESOLVED = Counter(
    "stint_disputes_resolved_total",
    "Disputes resolved by an admin, by outcome (release_full, partial_release, refund_full).",
    ["outcome"],
)
DISPUTE_REPAIRS = Counter(
    "stint_dispute_repairs_total",
    "Two-document dispute writes a timer finished after the request stopped half-way, by step "
    "(opening: the dispute's document; settlement: the engagement's end).",
    ["step"],
)
OFFERS_MADE = Counter(
    "stint_offers_made_total",
    "Offers made to interns after a completed engagement, by kind (internship, part_time, "
    "full_time); a replacement of a declined or withdrawn offer counts again.",
    ["kind"],
)
OFFERS_ANSWERED = Counter(
    "stint_offers_answered_total",
    "Offers answered by the intern, by outcome (accepted, declined).",
    ["outcome"],
)
OFFERS_WITHDRAWN = Counter("stint_offers_withdrawn_total", "Open offers withdrawn by the employer.")
