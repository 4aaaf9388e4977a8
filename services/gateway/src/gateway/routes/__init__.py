"""Every REST resource, as route tables per backend service."""

from __future__ import annotations

from gateway.routes import (
    applications,
    companies,
    disputes,
    notifications,
    payout_reports,
    payouts,
    postings,
    sponsorships,
    submissions,
)
from gateway.routing import Route


def all_routes() -> list[Route]:
    return [
        *postings.ROUTES,
        *companies.ROUTES,
        *applications.ROUTES,
        *submissions.ROUTES,
        *disputes.ROUTES,
        *payouts.ROUTES,
        *sponsorships.ROUTES,
        *payout_reports.ROUTES,
        *notifications.ROUTES,
    ]
