"""Every REST resource, as route tables per backend service."""

from __future__ import annotations

from gateway.routes import (
    applications,
    disputes,
    notifications,
    payouts,
    postings,
    sponsorships,
    submissions,
)
from gateway.routing import Route


def all_routes() -> list[Route]:
    return [
        *postings.ROUTES,
        *applications.ROUTES,
        *submissions.ROUTES,
        *disputes.ROUTES,
        *payouts.ROUTES,
        *sponsorships.ROUTES,
        *notifications.ROUTES,
    ]
