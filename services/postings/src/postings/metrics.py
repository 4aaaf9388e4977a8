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
