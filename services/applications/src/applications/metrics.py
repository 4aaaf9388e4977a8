"""Domain counters of the applications service (design.md §9), registered once per process."""

from __future__ import annotations

from prometheus_client import Counter

APPLICATIONS_SUBMITTED = Counter(
    "stint_applications_submitted_total", "Applications students submitted."
)
APPLICATION_DECISIONS = Counter(
    "stint_application_decisions_total",
    "Applications that left SUBMITTED, by new status and whether the platform decided.",
    ["status", "automatic"],
)
HIRES = Counter("stint_hires_total", "Candidates hired (CandidateHired committed).")
HIRES_REFUSED = Counter(
    "stint_hires_refused_total", "Hires refused because no position was left (lost races too)."
)
POSTING_SNAPSHOTS = Counter(
    "stint_posting_snapshots_total",
    "Posting snapshots consumed into the projection, by outcome (applied, stale).",
    ["outcome"],
)
PROFILES_UPDATED = Counter("stint_profiles_updated_total", "Student profiles saved (PUT).")
INVITATIONS_SENT = Counter(
    "stint_invitations_sent_total", "Former interns invited to a new posting (StudentInvited)."
)
MESSAGES_POSTED = Counter(
    "stint_conversation_messages_total",
    "Messages written in application conversations, by author role.",
    ["role"],
)
MESSAGES_RATE_LIMITED = Counter(
    "stint_conversation_messages_rate_limited_total",
    "Messages refused because the sender passed the per-conversation rate limit.",
)
