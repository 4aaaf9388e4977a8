"""Domain metrics of the postings service (design.md §9), defined once per process."""

from __future__ import annotations

from prometheus_client import Counter

POSTING_EVENTS = Counter(
    "stint_posting_events_total",
    "Posting events committed (to the outbox), by type.",
    ["type"],
)
HIRES_COUNTED = Counter(
    "stint_posting_hires_total",
    "Hires counted against postings (each application once).",
)
PAY_FLOOR_REJECTIONS = Counter(
    "stint_posting_pay_floor_rejections_total",
    "Create, update or publish attempts refused because the fee was below the pay floor.",
)
SENT_TO_REVIEW = Counter(
    "stint_posting_reviews_submitted_total",
    "Postings put in the review queue: by a publish with findings, or by a flag.",
    ["cause"],
)
REVIEW_FINDINGS = Counter(
    "stint_posting_review_findings_total",
    "Automatic review findings at publish, by code (unverified_company, prohibited_work, …).",
    ["code"],
)
REVIEW_DECISIONS = Counter(
    "stint_posting_review_decisions_total",
    "Admins' review decisions, by outcome (approved, declined).",
    ["outcome"],
)
TAKEDOWNS = Counter(
    "stint_posting_takedowns_total",
    "Postings taken down by an admin.",
)
COMPANY_VERIFICATIONS = Counter(
    "stint_company_verification_decisions_total",
    "Company verification decisions, by status (verified, revoked).",
    ["status"],
)
SAVED_SEARCH_ALERTS = Counter(
    "stint_saved_search_alerts_total",
    "SavedSearchMatched alerts committed (one per saved search and posting).",
)
