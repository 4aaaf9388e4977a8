"""A valid posting body, for the attacks that need one to vary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def posting(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": "Market sizing for a campus coffee app",
        "summary": "Estimate the market for a student coffee subscription.",
        "description": "Use public data; deliver a short report.",
        "category": "CATEGORY_MARKET_RESEARCH",
        "skills": ["market-research", "excel"],
        "estimated_hours": 12,
        "fee": {"amount_minor": 60000, "currency": "USD"},
        "positions": 1,
        "application_deadline": (now + timedelta(days=3)).isoformat(),
        "due_date": (now + timedelta(days=14)).isoformat(),
        "acceptance_criteria": ["A 5-page report with sources"],
        "ai_policy": "AI_POLICY_ALLOWED",
        "visibility": "VISIBILITY_PUBLIC",
    }
    return body | overrides
