"""An engagement's time: extensions of the due date (either side asks, the other answers, the
asker may withdraw) and the posting's milestones (the intern checks one off, the employer
confirms it)."""

from __future__ import annotations

from gateway.routes.submissions import SUBMISSIONS
from gateway.routing import Answer, Body

TAG = "engagements"
SIDES = frozenset({"student", "employer"})

ROUTES = [
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/extensions",
        "RequestExtension",
        "Ask to move the due date of ACTIVE work (the intern or the employer; one pending "
        "request at a time): the other side accepts or declines",
        SIDES,
        tag=TAG,
        body=Body(),
        answer=Answer(status=201),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/extensions/{extension_number}/accept",
        "AcceptExtension",
        "The side that did not ask grants the extension: the due date moves, overdue clears",
        SIDES,
        tag=TAG,
        body=Body(),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/extensions/{extension_number}/decline",
        "DeclineExtension",
        "The side that did not ask declines the extension (optional reason): the date stays",
        SIDES,
        tag=TAG,
        body=Body(),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/extensions/{extension_number}/withdraw",
        "WithdrawExtension",
        "The side that asked takes back its pending extension request (the date stays; it "
        "may then ask for another)",
        SIDES,
        tag=TAG,
        body=Body(),
    ),
    SUBMISSIONS.route(
        "POST",
        "/v1/engagements/{engagement_id}/milestones/{milestone_number}/check-off",
        "CheckOffMilestone",
        "The intern checks a milestone off (optional note and artifact); the employer then "
        "confirms it (no body)",
        SIDES,
        tag=TAG,
        body=Body(),
    ),
]
