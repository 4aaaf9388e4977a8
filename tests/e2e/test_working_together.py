"""Working together through the gateway of the running platform (issue 20): an employer and a
shortlisted student exchange messages and the student is told; an engagement goes overdue, the
student asks for more time and the employer grants it; a milestone is checked off; a posting
closes with a shortlist and the employer still hires within the decision deadline; a student's
saved search alerts them to a new posting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from stint.kit.testing.poll import eventually

from .conftest import auth
from .flow import apply, engagement_of, fund, hire, inbox, posting, publish


async def _engagement(
    http: httpx.AsyncClient, engagement_id: str, who: dict[str, str]
) -> dict[str, Any]:
    got = await http.get(f"/v1/engagements/{engagement_id}", headers=who)
    assert got.status_code == 200, got.text
    body: dict[str, Any] = got.json()
    return body


async def _notice(http: httpx.AsyncClient, who: dict[str, str], kind: str, subject: str) -> None:
    """Poll the inbox until a notice of `kind` about `subject` arrived."""

    async def found() -> list[dict[str, Any]]:
        return [
            n for n in await inbox(http, who) if n["kind"] == kind and n["subject_id"] == subject
        ]

    await eventually(found, until=bool, timeout=30, interval=0.2, what=f"a {kind} notice")


@pytest.mark.timeout(120)
async def test_an_employer_and_a_shortlisted_student_exchange_messages(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_{unique}")
    student = auth("student", f"stu_{unique}")
    posting_id = await publish(http, employer, posting(f"Talk first {unique}"))
    application_id = await apply(http, posting_id, student)
    shortlisted = await http.post(
        f"/v1/applications/{application_id}/shortlist", json={}, headers=employer
    )
    assert shortlisted.status_code == 200, shortlisted.text

    thread = await eventually(
        lambda: http.get(f"/v1/applications/{application_id}/conversation", headers=employer),
        until=lambda r: r.status_code == 200,
        timeout=20,
        interval=0.2,
        what="the application's conversation",
    )
    conversation_id = thread.json()["id"]
    sent = await http.post(
        f"/v1/conversations/{conversation_id}/messages",
        json={"text": "Could you start on Monday? The brief is attached."},
        headers=employer,
    )
    assert sent.status_code == 201, sent.text

    mine = await http.get("/v1/conversations", headers=student)
    assert mine.status_code == 200, mine.text
    (listed,) = [c for c in mine.json()["conversations"] if c["id"] == conversation_id]
    assert int(listed["unread_count"]) == 1
    await _notice(http, student, "message.created", conversation_id)

    replied = await http.post(
        f"/v1/conversations/{conversation_id}/messages",
        json={"text": "Yes, Monday works."},
        headers=student,
    )
    assert replied.status_code == 201, replied.text
    messages = await http.get(
        f"/v1/conversations/{conversation_id}/messages",
        params={"oldest_first": "true"},
        headers=employer,
    )
    assert [m["text"] for m in messages.json()["messages"]] == [
        "Could you start on Monday? The brief is attached.",
        "Yes, Monday works.",
    ]
    stranger = auth("employer", f"other_{unique}", f"cmp_other_{unique}")
    hidden = await http.get(f"/v1/conversations/{conversation_id}/messages", headers=stranger)
    assert hidden.status_code == 404, hidden.text


@pytest.mark.timeout(180)
async def test_overdue_work_gets_an_extension_and_a_milestone_is_checked_off(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_{unique}")
    late, steady = auth("student", f"late_{unique}"), auth("student", f"steady_{unique}")

    # A rush job: due 30 s after publishing, so it goes overdue while the test watches.
    now = datetime.now(UTC)
    rush = posting(f"Rush job {unique}") | {
        "application_deadline": (now + timedelta(seconds=15)).isoformat(),
        "due_date": (now + timedelta(seconds=30)).isoformat(),
    }
    rush_id = await publish(http, employer, rush)
    await hire(http, await apply(http, rush_id, late), employer)
    engagement_id = await engagement_of(http, late)
    overdue = await eventually(
        lambda: _engagement(http, engagement_id, late),
        until=lambda e: e.get("overdue") is True,
        timeout=90,
        interval=0.5,
        what="the engagement overdue",
    )
    assert overdue["status"] == "ENGAGEMENT_STATUS_ACTIVE"
    assert overdue["overdue_at"]

    # The student asks for too little, takes it back (the employer is told), and asks again.
    extensions = f"/v1/engagements/{engagement_id}/extensions"
    too_soon = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    first = {"new_due_date": too_soon.isoformat(), "reason": "The survey tool was down."}
    assert (await http.post(extensions, json=first, headers=late)).status_code == 201
    foreign = await http.post(f"{extensions}/1/withdraw", json={}, headers=employer)
    assert foreign.status_code == 403, foreign.text  # only the side that asked withdraws
    withdrawn = await http.post(f"{extensions}/1/withdraw", json={}, headers=late)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["extension"]["status"] == "EXTENSION_STATUS_WITHDRAWN"
    await _notice(http, employer, "extension.withdrawn", engagement_id)

    new_due = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    asked = await http.post(
        extensions,
        json={"new_due_date": new_due.isoformat(), "reason": "The survey tool was down."},
        headers=late,
    )
    assert asked.status_code == 201, asked.text
    own = await http.post(f"{extensions}/2/accept", json={}, headers=late)
    assert own.status_code in (403, 409), own.text  # only the other side answers
    granted = await http.post(f"{extensions}/2/accept", json={}, headers=employer)
    assert granted.status_code == 200, granted.text
    after = await _engagement(http, engagement_id, late)
    assert after["overdue"] is False
    assert datetime.fromisoformat(after["due_date"]) == new_due
    assert [x["status"] for x in after["extensions"]] == [
        "EXTENSION_STATUS_WITHDRAWN",
        "EXTENSION_STATUS_ACCEPTED",
    ]

    # A posting with a check-in two days into the work.
    planned = posting(f"Planned study {unique}") | {
        "milestones": [{"title": "Outline", "due_offset_days": 2, "deliverable": "One page"}]
    }
    planned_id = await publish(http, employer, planned)
    await hire(http, await apply(http, planned_id, steady), employer)
    steady_engagement = await engagement_of(http, steady)
    (milestone,) = (await _engagement(http, steady_engagement, steady))["milestones"]
    assert (milestone["title"], milestone["status"]) == ("Outline", "MILESTONE_STATUS_OPEN")
    checked = await http.post(
        f"/v1/engagements/{steady_engagement}/milestones/1/check-off",
        json={"note": "Outline shared in the thread."},
        headers=steady,
    )
    assert checked.status_code == 200, checked.text
    (done,) = (await _engagement(http, steady_engagement, employer))["milestones"]
    assert done["status"] == "MILESTONE_STATUS_DONE"
    await _notice(http, employer, "milestone.completed", steady_engagement)


@pytest.mark.timeout(120)
async def test_a_closed_posting_keeps_its_shortlist_until_the_decision_deadline(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_{unique}")
    chosen, other = auth("student", f"chosen_{unique}"), auth("student", f"other_{unique}")
    posting_id = await publish(http, employer, posting(f"Choose later {unique}"))
    chosen_app = await apply(http, posting_id, chosen)
    other_app = await apply(http, posting_id, other)
    shortlisted = await http.post(
        f"/v1/applications/{chosen_app}/shortlist", json={}, headers=employer
    )
    assert shortlisted.status_code == 200, shortlisted.text

    closed = await http.post(f"/v1/postings/{posting_id}/close", json={}, headers=employer)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "POSTING_STATUS_CLOSED"
    assert datetime.fromisoformat(closed.json()["decision_deadline"]) > datetime.now(UTC)
    late = await http.post(
        f"/v1/postings/{posting_id}/applications", json={"pitch": "Me too"}, headers=other
    )
    assert late.status_code in (404, 409), late.text  # no new applications once closed

    # The candidates wait: neither is answered by the close.
    for app, who in ((chosen_app, chosen), (other_app, other)):
        got = await http.get(f"/v1/applications/{app}", headers=who)
        assert got.json()["status"] in (
            "APPLICATION_STATUS_SHORTLISTED",
            "APPLICATION_STATUS_SUBMITTED",
        ), got.text

    # Later, still within the decision deadline: the shortlisted candidate is hired.
    await fund(http, employer)
    hired = await http.post(
        f"/v1/applications/{chosen_app}/hire",
        json={},
        headers=employer | {"Idempotency-Key": f"hire-{chosen_app}"},
    )
    assert hired.status_code == 200, hired.text
    await engagement_of(http, chosen)
    answered = await eventually(
        lambda: http.get(f"/v1/applications/{other_app}", headers=other),
        until=lambda r: r.json().get("status") == "APPLICATION_STATUS_REJECTED",
        timeout=30,
        interval=0.2,
        what="the other candidate answered once the position is filled",
    )
    assert answered.json()["decision_reason"] == "posting_filled"


@pytest.mark.timeout(120)
async def test_a_saved_search_alerts_its_student_to_a_new_posting(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_{unique}")
    student = auth("student", f"seeker_{unique}")
    skill = f"survey-design-{unique}"
    saved = await http.post(
        "/v1/me/saved-searches",
        json={"name": "Survey work", "skills": [skill]},
        headers=student,
    )
    assert saved.status_code == 201, saved.text
    body = posting(f"Survey design {unique}")
    body["skills"] = [skill, "excel"]
    posting_id = await publish(http, employer, body)
    await _notice(http, student, "saved_search.matched", posting_id)
    other = auth("student", f"notseeking_{unique}")
    assert not [n for n in await inbox(http, other) if n["kind"] == "saved_search.matched"]
