"""Domain metrics of the payouts service, defined once per process."""

from __future__ import annotations

from prometheus_client import Counter

PAYOUT_TRANSITIONS = Counter(
    "stint_payouts_transitions_total", "Payouts entering a status.", ["status"]
)
PAYOUT_AMOUNT = Counter(
    "stint_payouts_amount_minor_total",
    "Sum of payout amounts entering a status, in minor units.",
    ["status", "currency"],
)
AMOUNT_MISMATCH = Counter(
    "stint_payouts_amount_mismatch_total",
    "Approvals for an existing payout with a different amount (not applied; alert on any).",
)
LEDGER_ENTRIES = Counter(
    "stint_ledger_entries_posted_total", "Journal entries inserted, by kind.", ["kind"]
)
LEDGER_CONFLICTS = Counter(
    "stint_ledger_entry_conflicts_total",
    "Stored journal entries that differ from what the payout requires (alert on any).",
)
PROVIDER_CALLS = Counter(
    "stint_payout_provider_calls_total", "Calls to payment providers.", ["provider", "outcome"]
)
PAYOUTS_BLOCKED = Counter(
    "stint_payouts_blocked_total",
    "Payouts blocked because their amount is out of bounds (never sent or posted; alert on any).",
)
LEDGER_POST_FAILURES = Counter(
    "stint_ledger_post_failures_total",
    "Failed attempts to post journal entries of a payout or funding (the repair timer retries).",
)
FUNDING_TRANSITIONS = Counter(
    "stint_fundings_transitions_total", "Fundings entering a status.", ["status"]
)
CHARGE_CALLS = Counter(
    "stint_funding_charge_calls_total",
    "Charges and refunds asked of payment providers, by outcome.",
    ["provider", "outcome"],
)
RECONCILIATION_FINDINGS = Counter(
    "stint_reconciliation_findings_total",
    "Differences between a payment provider's records and the ledger found by ReconcileProvider.",
    ["kind"],
)
