"""A university's outcomes for its career office (and admins), as JSON or as a CSV download."""

from __future__ import annotations

from gateway.routes.common import UNIVERSITY
from gateway.routing import Answer, Backend, Query
from stint.outcomes.v1 import outcomes_service_pb2 as pb
from stint.outcomes.v1.outcomes_service_pb2_grpc import OutcomesServiceStub

TAG = "outcomes"
OUTCOMES = Backend("outcomes", OutcomesServiceStub, pb, TAG)
_RANGE = (
    Query("from", "from_time", "timestamp", "start, inclusive (RFC 3339); unset: all time"),
    Query("to", "to_time", "timestamp", "end, exclusive (RFC 3339), after `from`; unset: now"),
)
_WHO = (
    "the university's career office (another university: 404) and admins; a count below the "
    'report\'s `suppression_k` is shown as "< k", money and ratings need k students'
)

ROUTES = [
    OUTCOMES.route(
        "GET",
        "/v1/universities/{university_id}/outcomes",
        "GetUniversityOutcomes",
        "The university's students' outcomes in [from, to): postings approved, students who "
        "applied, were hired, completed, cancelled; earnings, ratings, repeat hires, offers; "
        f"by category and by company, and its sponsorships' spending ({_WHO})",
        UNIVERSITY,
        query=_RANGE,
        answer=Answer(field="outcomes"),
    ),
    OUTCOMES.route(
        "GET",
        "/v1/universities/{university_id}/outcomes.csv",
        "ExportUniversityOutcomes",
        f"The same report as CSV (text/csv; one row per group: total, category, company) ({_WHO})",
        UNIVERSITY,
        query=_RANGE,
        answer=Answer(field="csv", media_type="text/csv", filename_field="filename"),
    ),
]
