"""Every REST resource, as route tables per backend service."""

from __future__ import annotations

from gateway.routes import (
    applications,
    companies,
    conversations,
    disputes,
    engagement_time,
    notifications,
    offers,
    outcomes,
    payout_reports,
    payouts,
    postings,
    profiles,
    recommendations,
    saved_searches,
    sponsorships,
    submissions,
)
from gateway.routing import Route


def all_routes() -> list[Route]:
    return [
        *postings.ROUTES,
        *saved_searches.ROUTES,
        *companies.ROUTES,
        *applications.ROUTES,
        *conversations.ROUTES,
        *profiles.ROUTES,
        *recommendations.ROUTES,
        *submissions.ROUTES,
        *disputes.ROUTES,
        *engagement_time.ROUTES,
        *offers.ROUTES,
        *payouts.ROUTES,
        *sponsorships.ROUTES,
        *payout_reports.ROUTES,
        *notifications.ROUTES,
        *outcomes.ROUTES,
    ]
