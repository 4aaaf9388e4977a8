"""/v1/me/recommendations: open postings matched to the calling student, each with why."""

from __future__ import annotations

from gateway.routes.applications import APPLICATIONS
from gateway.routes.common import STUDENT
from gateway.routing import Answer, Query

TAG = "recommendations"

ROUTES = [
    APPLICATIONS.route(
        "GET",
        "/v1/me/recommendations",
        "ListRecommendations",
        "Open postings visible to the calling student, best match first (profile skills, "
        "skills of past hires, programme words), each with the skills that matched and why",
        STUDENT,
        tag=TAG,
        query=(Query("limit", "limit", "int", "1-50, default 20"),),
        answer=Answer(list_field="recommendations"),
    ),
]
