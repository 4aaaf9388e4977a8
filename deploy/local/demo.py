"""`make demo`: a whole micro-internship through the REST API of a running platform, narrated.

A company subscribes a webhook receiver (started here, on loopback) and posts two projects, one
aimed at a university whose career office approves it. Three students apply to the public one;
one is shortlisted and hired (with an Idempotency-Key), the others are answered automatically
when it fills. The intern delivers, gets a revision request, delivers again, is approved and —
once a payout account is registered — paid: the university's career office sponsors half of its
students' projects, so the company's card was charged the other half into escrow at hire, both
released on approval; the money side shows what the employer paid, what the sponsor covered,
what the intern received and what the platform kept, with each payer's invoice. Both sides
rate, the intern fetches the signed experience record and anyone can verify it. Finally the
receiver's signed events are listed.

    python deploy/local/demo.py [--url http://127.0.0.1:8080] [--secret …]

Every run uses new ids. Exit status 1 on any failure (with the failing response).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

import httpx
from demo_money import money_side, sponsor
from demo_support import (
    Cast,
    Demo,
    DemoError,
    Receiver,
    cast,
    money,
    pay,
    posting,
    show_webhooks,
)

from gateway.config import DEV_JWT_SECRET

HOOK_TYPES = (
    "candidate.hired",
    "funding.secured",
    "submission.approved",
    "funding.released",
    "engagement.completed",
    "payout.paid",
)


def subscribe(d: Demo, c: Cast, receiver: Receiver) -> str:
    """The company's webhook endpoint; returns its signing secret."""
    hook = d.call(
        "POST",
        "/v1/webhooks/endpoints",
        c.boss,
        201,
        json={"url": receiver.url, "description": "demo receiver", "event_types": list(HOOK_TYPES)},
    )
    d.say(
        f"company subscribes {receiver.url} to {', '.join(HOOK_TYPES)} -> {hook['endpoint']['id']}"
    )
    secret: str = hook["secret"]
    return secret


def post(d: Demo, c: Cast) -> str:
    """Two projects, one for a university that approves it; returns the public one's id."""
    public = d.call(
        "POST",
        "/v1/postings",
        c.boss,
        201,
        json=posting(
            "Market sizing for a campus coffee app", "How many students would subscribe?", 12, 60000
        ),
    )
    d.call("POST", f"/v1/postings/{public['id']}/publish", c.boss, json={})
    d.say(f"company publishes {public['id']} (public, 12 h, USD 600.00)")
    campus = d.call(
        "POST",
        "/v1/postings",
        c.boss,
        201,
        json=posting(
            "Student survey on study-space coffee",
            "Run a short survey at Northfield.",
            10,
            40000,
            visibility="VISIBILITY_UNIVERSITIES",
            university_ids=[c.university],
        ),
    )
    d.call("POST", f"/v1/postings/{campus['id']}/publish", c.boss, json={})
    d.say(f"company publishes {campus['id']} aimed at {c.university} only")
    approval = {"decision": "approve"}
    d.call("POST", f"/v1/postings/{campus['id']}/university-approvals", c.office, json=approval)
    d.say(f"{c.university}'s career office approves {campus['id']} for its students")
    seen = d.until(
        "students see the campus project",
        lambda: d.call("GET", f"/v1/postings/{campus['id']}", c.students["chloe"]),
        lambda p: p["id"] == campus["id"],
    )
    d.say(f"chloe (a Northfield student) can now see {seen['id']}")
    public_id: str = public["id"]
    return public_id


def hire(d: Demo, c: Cast, posting_id: str) -> None:
    """Everyone applies, ada is hired (idempotently), the others are answered."""

    def applying(name: str) -> Callable[[], Any]:
        pitch = {"pitch": f"{name.title()} here: I surveyed 400 students last term."}
        path = f"/v1/postings/{posting_id}/applications"
        return lambda: d.call("POST", path, c.students[name], 201, json=pitch)

    applications: dict[str, str] = {}
    for name in c.students:
        # Retried until the applications service has seen the posting open (asynchronous).
        applications[name] = d.until(f"{name} applies", applying(name), bool)["id"]
        d.say(f"{name} applies to {posting_id} -> {applications[name]}")
    ada = applications["ada"]
    d.call("POST", f"/v1/applications/{ada}/shortlist", c.boss, json={})
    d.say(f"company shortlists ada ({ada})")
    card = {"kind": "FUNDING_METHOD_KIND_CARD", "token": "tok_card_4242", "currency": "USD"}
    method = d.call("PUT", "/v1/me/funding-method", c.boss, json=card)
    d.say(f"company registers a card ({method['token_hint']}): a hire is charged at once")
    key = {"Idempotency-Key": f"hire-{ada}"}
    d.call("POST", f"/v1/applications/{ada}/hire", c.boss, json={}, headers=key)
    replay = d.http.post(f"/v1/applications/{ada}/hire", json={}, headers=c.boss | key)
    if replay.headers.get("idempotent-replayed") != "true":
        raise DemoError(f"a retried hire was not replayed: {replay.status_code} {replay.text}")
    d.say(
        "company hires ada; the retried request (same Idempotency-Key) is replayed, not a 2nd hire"
    )

    def reading(name: str) -> Callable[[], Any]:
        return lambda: d.call("GET", f"/v1/applications/{applications[name]}", c.students[name])

    for name in ("ben", "chloe"):
        app = d.until(
            f"{name} answered",
            reading(name),
            lambda a: a["status"] == "APPLICATION_STATUS_REJECTED",
        )
        d.say(f"{name}'s application: {app['status']} ({app['decision_reason']}), answered at once")


def deliver(d: Demo, c: Cast) -> str:
    """Submission, revision request, resubmission, approval; returns the engagement id."""
    ada = c.students["ada"]
    engagement: str = d.until(
        "ada's engagement",
        lambda: d.call("GET", "/v1/me/engagements", ada),
        lambda r: [e["status"] for e in r["engagements"]] == ["ENGAGEMENT_STATUS_ACTIVE"],
    )["engagements"][0]["id"]
    funding = d.call("GET", f"/v1/engagements/{engagement}/funding", c.boss)
    covered = funding.get("sponsor", {}).get("share")
    d.say(
        f"the company was charged {money(funding['company_total'])} into escrow "
        f"(fee {money(funding['fee'])} + platform fee {money(funding['platform_fee'])}"
        + (f", less {money(covered)} the sponsor covers" if covered else "")
        + f"); engagement {engagement} starts"
    )
    work = {
        "note": "Report and slide attached.",
        "artifacts": [
            {"name": "report.pdf", "url": "https://files.example/report.pdf", "sha256": "ab" * 32}
        ],
    }
    d.call("POST", f"/v1/engagements/{engagement}/submissions", ada, 201, json=work)
    d.say("ada submits the work (submission 1)")
    ask = {"submission_number": 1, "feedback": "Please add the sources for the survey numbers."}
    d.call("POST", f"/v1/engagements/{engagement}/request-revision", c.boss, json=ask)
    d.say("company requests a revision: add the sources")
    again = work | {"note": "Sources added."}
    d.call("POST", f"/v1/engagements/{engagement}/submissions", ada, 201, json=again)
    d.say("ada submits again (submission 2)")
    approve = {"submission_number": 2, "feedback": "Excellent, thank you."}
    d.call("POST", f"/v1/engagements/{engagement}/approve", c.boss, json=approve)
    d.say("company approves submission 2")
    return engagement


def rate_and_verify(d: Demo, c: Cast, engagement: str) -> None:
    """Both rate; ada's signed experience record, verified by anyone."""
    ada = c.students["ada"]
    path = f"/v1/engagements/{engagement}"
    praise = {"rating": 5, "comment": "Sharp and on time.", "endorsed_skills": ["excel"]}
    d.call("POST", f"{path}/feedback", c.boss, json=praise)
    d.call("POST", f"{path}/feedback", ada, json={"rating": 5, "comment": "Clear brief."})
    d.say("both sides rate (double-blind: revealed now that both have rated)")
    record = d.until(
        "the revealed record",
        lambda: d.call("GET", f"{path}/experience-record", ada),
        lambda r: bool(r["record"].get("employer_rating")),
    )
    d.say(f"ada's experience record: {record.get('resume_line', '')}")
    verified = d.call("POST", "/v1/experience-records/verify", None, json={"jws": record["jws"]})
    if not verified["valid"]:
        raise DemoError(f"the record does not verify: {verified}")
    d.say(f"anyone verifies it without a token: valid={verified['valid']} ({verified['reason']})")


def scenario(d: Demo, receiver: Receiver) -> None:
    c = cast(d)
    secret = subscribe(d, c, receiver)
    posting_id = post(d, c)
    sponsorship_id = sponsor(d, c)
    hire(d, c, posting_id)
    engagement = deliver(d, c)
    money_side(d, c, pay(d, c), sponsorship_id)
    rate_and_verify(d, c, engagement)
    show_webhooks(d, receiver, secret, HOOK_TYPES)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    offset = int(os.environ.get("STINT_PORT_OFFSET", "0"))
    parser.add_argument("--url", default=f"http://127.0.0.1:{8080 + offset}", help="the gateway")
    parser.add_argument("--secret", default=os.environ.get("STINT_JWT_SECRET", DEV_JWT_SECRET))
    args = parser.parse_args()
    demo = Demo(args.url, args.secret)
    try:
        demo.call("GET", "/v1/.well-known/jwks.json", None)  # public: no token needed
    except (httpx.HTTPError, DemoError) as exc:
        print(
            f"the platform does not answer at {args.url} ({exc}); start it with `make up`",
            file=sys.stderr,
        )
        return 1
    receiver = Receiver()
    try:
        scenario(demo, receiver)
    except (DemoError, httpx.HTTPError) as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1
    finally:
        receiver.server.shutdown()
    demo.say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
