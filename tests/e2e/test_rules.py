"""Rules that span services, through the gateway of the running platform: the revision limit,
auto-approval when the employer stays silent (with a university-targeted posting), and the
topics the platform runs on."""

from __future__ import annotations

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from stint.contracts.topics import all_topics
from stint.kit.testing.poll import eventually

from .conftest import REVIEW_WINDOW_DAYS, Platform, Receiver, auth
from .flow import apply, engagement_of, hire, hired_engagement, posting, publish, review, submit


@pytest.mark.timeout(180)
async def test_past_the_revision_limit_request_revision_is_refused(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_{unique}")
    student = auth("student", f"stu_{unique}")
    engagement_id = await hired_engagement(http, employer, student, f"Pricing study {unique}")
    limit = (await http.get(f"/v1/engagements/{engagement_id}", headers=student)).json()[
        "revision_limit"
    ]
    assert limit == 2
    for _ in range(limit):
        number = await submit(http, engagement_id, student)
        asked = await review(http, engagement_id, employer, "request-revision", number)
        assert asked.status_code == 200, asked.text
    number = await submit(http, engagement_id, student)
    refused = await review(http, engagement_id, employer, "request-revision", number)
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("/wrong-state"), refused.text
    approved = await review(http, engagement_id, employer, "approve", number)
    assert approved.json()["status"] in (
        "ENGAGEMENT_STATUS_APPROVED",
        "ENGAGEMENT_STATUS_COMPLETED",
    ), approved.text
    assert approved.json()["revisions_used"] == limit


@pytest.mark.timeout(180)
async def test_silent_employer_work_is_approved_automatically(
    http: httpx.AsyncClient, receiver: Receiver, unique: str
) -> None:
    company, university = f"cmp_{unique}", f"uni_{unique}"
    employer = auth("employer", f"boss_{unique}", company)
    career_office = auth("university", f"office_{unique}", university)
    rival = auth("employer", f"rival_{unique}", f"cmp_rival{unique}")
    student = auth("student", f"stu_{unique}", university)
    hooks = {}
    for owner, who in ((university, career_office), (f"cmp_rival{unique}", rival)):
        hook = await http.post(
            "/v1/webhooks/endpoints", json={"url": f"{receiver.url}/{owner}"}, headers=who
        )
        assert hook.status_code == 201, hook.text
        hooks[owner] = hook.json()["secret"]
    posting_id = await publish(
        http, employer, posting(f"Campus survey {unique}", universities=(university,))
    )
    # Aimed at a university: invisible to its students until the university approves it.
    hidden = await http.post(
        f"/v1/postings/{posting_id}/applications", json={"pitch": "me"}, headers=student
    )
    assert hidden.status_code == 404, hidden.text
    approval = await http.post(
        f"/v1/postings/{posting_id}/university-approvals",
        json={"decision": "approve"},
        headers=career_office,
    )
    assert approval.status_code == 200, approval.text
    application_id = await apply(http, posting_id, student)
    await hire(http, application_id, employer)
    engagement_id = await engagement_of(http, student)
    await submit(http, engagement_id, student)

    window = REVIEW_WINDOW_DAYS * 86400
    done = await eventually(
        lambda: http.get(f"/v1/engagements/{engagement_id}", headers=student),
        until=lambda r: r.json().get("status") == "ENGAGEMENT_STATUS_COMPLETED",
        timeout=window + 30,
        interval=0.2,
        what="auto-approval",
    )
    (decision,) = [r["decision"] for r in done.json()["reviews"]]
    assert decision == "REVIEW_DECISION_AUTO_APPROVED"
    # The money follows an automatic approval like a manual one (held: no account yet).
    await eventually(
        lambda: http.get("/v1/me/payouts", headers=student),
        until=lambda r: (
            [p["status"] for p in r.json().get("payouts", [])] == ["PAYOUT_STATUS_ON_HOLD"]
        ),
        timeout=30,
        interval=0.1,
        what="payout created on hold",
    )
    # The university's webhooks: its posting and its student's work, never the money (payout
    # snapshots carry no university); another company gets none of it.
    wanted = {"posting.approved_for_university", "candidate.hired", "engagement.completed"}
    got = await eventually(
        lambda: receiver.verified(f"/{university}", hooks[university]),
        until=lambda d: {p["type"] for p in d.values()} >= wanted,
        timeout=30,
        interval=0.2,
        what="the university's webhooks",
    )
    assert not any(p["type"].startswith("payout.") for p in got.values())
    assert receiver.at(f"/cmp_rival{unique}") == []


async def test_every_topic_comes_from_the_spec(platform: Platform) -> None:
    """The platform's broker auto-creates nothing, so the services ran on exactly the topics
    `platform.sh up` created from `stint.contracts.topics`, with their partition counts."""
    admin = AIOKafkaAdminClient(bootstrap_servers=platform.kafka_bootstrap)
    await admin.start()
    try:
        names = [t for t in await admin.list_topics() if not t.startswith("__")]
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    actual = {d["topic"]: len(d["partitions"]) for d in described}
    assert actual == {t.name: t.partitions for t in all_topics()}


@pytest.mark.timeout(120)
async def test_an_approved_engagement_of_any_accepted_company_id_gets_a_payout(
    http: httpx.AsyncClient, unique: str
) -> None:
    employer = auth("employer", f"boss_{unique}", f"cmp_acme_inc_{unique}")
    student = auth("student", f"stu_{unique}")
    engagement_id = await hired_engagement(http, employer, student, f"Underscore co {unique}")
    number = await submit(http, engagement_id, student)
    approved = await review(http, engagement_id, employer, "approve", number)
    assert approved.status_code == 200, approved.text
    await eventually(
        lambda: http.get("/v1/me/payouts", headers=student),
        until=lambda r: len(r.json().get("payouts", [])) == 1,
        timeout=15,
        interval=0.2,
        what="a payout for the approved engagement",
    )
