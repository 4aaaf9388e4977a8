"""`make demo`: a whole micro-internship through the REST API of a running platform, narrated.

A company subscribes a webhook receiver (started here, on loopback) and posts two projects, one
aimed at a university whose career office approves it. Three students apply to the public one;
one is shortlisted and hired (with an Idempotency-Key), the others are answered automatically
when it fills. The intern delivers, gets a revision request, delivers again, is approved and —
once a payout account is registered — paid. Both sides rate, the intern fetches the signed
experience record and anyone can verify it. Finally the receiver's signed events are listed.

    python deploy/local/demo.py [--url http://127.0.0.1:8080] [--secret …]

Every run uses new ids. Exit status 1 on any failure (with the failing response).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from gateway.auth import issue_dev_token
from gateway.config import DEV_JWT_SECRET

HOOK_TYPES = ("candidate.hired", "submission.approved", "engagement.completed", "payout.paid")


class DemoError(Exception):
    pass


class Receiver:
    """A webhook receiver on 127.0.0.1: keeps every request's headers and raw body."""

    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/stint-webhooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def unique(self, secret: str) -> dict[str, dict[str, Any]]:
        """webhook-id -> verified payload (standardwebhooks if installed, else by hand)."""
        verify = _verifier(secret)
        with self.lock:
            got = list(self.got)
        return {headers["webhook-id"]: verify(body, headers) for headers, body in got}


def _verifier(secret: str) -> Callable[[bytes, dict[str, str]], dict[str, Any]]:
    try:
        from standardwebhooks import Webhook
    except ImportError:  # the receiver guide's standard-library check
        import base64
        import hashlib
        import hmac

        key = base64.b64decode(secret.removeprefix("whsec_"))

        def by_hand(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
            signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
            digest = hmac.new(key, signed, hashlib.sha256).digest()
            expected = base64.b64encode(digest).decode()
            sigs = [s.split(",", 1)[1] for s in headers["webhook-signature"].split(" ")]
            if not any(hmac.compare_digest(expected, s) for s in sigs):
                raise DemoError("a webhook with a bad signature") from None
            payload: dict[str, Any] = json.loads(body)
            return payload

        return by_hand
    hook = Webhook(secret)
    return lambda body, headers: dict(hook.verify(body, headers))


class Demo:
    def __init__(self, url: str, secret: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)
        self.secret = secret
        self.run = uuid.uuid4().hex[:8]
        self.started = time.monotonic()

    def who(self, role: str, sub: str, org: str = "") -> dict[str, str]:
        jwt = issue_dev_token(self.secret, subject=sub, role=role, org=org, ttl_seconds=3600)
        return {"Authorization": f"Bearer {jwt}"}

    def say(self, text: str) -> None:
        print(f"{time.monotonic() - self.started:6.1f}s  {text}", flush=True)

    def call(
        self, method: str, path: str, who: dict[str, str] | None, ok: int = 200, **kw: Any
    ) -> Any:
        response = self.http.request(
            method, path, headers=(who or {}) | kw.pop("headers", {}), **kw
        )
        if response.status_code != ok:
            raise DemoError(
                f"{method} {path} -> {response.status_code} (wanted {ok}): {response.text}"
            )
        return response.json() if response.content else {}

    def until(
        self, what: str, probe: Callable[[], Any], done: Callable[[Any], bool], timeout: float = 30
    ) -> Any:
        """Poll `probe` until `done` (events travel asynchronously between services)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = probe()
                if done(last):
                    return last
            except DemoError as exc:
                last = exc
            time.sleep(0.2)
        raise DemoError(f"{what}: not reached within {timeout:.0f}s; last: {last}")


def posting(title: str, summary: str, hours: int, fee_minor: int, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "title": title,
        "summary": summary,
        "description": "Use public sources; cite them. Deliver a short report.",
        "category": "CATEGORY_MARKET_RESEARCH",
        "skills": ["market-research", "excel"],
        "estimated_hours": hours,
        "fee": {"amount_minor": fee_minor, "currency": "USD"},
        "positions": 1,
        "application_deadline": (now + timedelta(days=7)).isoformat(),
        "due_date": (now + timedelta(days=21)).isoformat(),
        "acceptance_criteria": ["A 5-page report with sources", "A one-slide summary"],
        "ai_policy": "AI_POLICY_ALLOWED",
        "visibility": "VISIBILITY_PUBLIC",
    } | extra


def scenario(d: Demo, receiver: Receiver) -> None:
    # Ids are `<prefix>_<lowercase alphanumerics>`: payouts refuses others (see the README).
    company, university = f"cmp_brewco{d.run}", f"uni_northfield{d.run}"
    boss = d.who("employer", f"usr_dana{d.run}", company)
    office = d.who("university", f"usr_careers{d.run}", university)
    names = ("ada", "ben", "chloe")
    students = {n: d.who("student", f"stu_{n}{d.run}", university) for n in names}
    d.say(f"run {d.run}: company {company}, university {university}, students {', '.join(names)}")

    hook = d.call(
        "POST",
        "/v1/webhooks/endpoints",
        boss,
        201,
        json={"url": receiver.url, "description": "demo receiver", "event_types": list(HOOK_TYPES)},
    )
    secret = hook["secret"]
    d.say(
        f"company subscribes {receiver.url} to {', '.join(HOOK_TYPES)} -> {hook['endpoint']['id']}"
    )

    public = d.call(
        "POST",
        "/v1/postings",
        boss,
        201,
        json=posting(
            "Market sizing for a campus coffee app", "How many students would subscribe?", 12, 60000
        ),
    )
    d.call("POST", f"/v1/postings/{public['id']}/publish", boss, json={})
    d.say(f"company publishes {public['id']} (public, 12 h, USD 600.00)")
    campus = d.call(
        "POST",
        "/v1/postings",
        boss,
        201,
        json=posting(
            "Student survey on study-space coffee",
            "Run a short survey at Northfield.",
            10,
            40000,
            visibility="VISIBILITY_UNIVERSITIES",
            university_ids=[university],
        ),
    )
    d.call("POST", f"/v1/postings/{campus['id']}/publish", boss, json={})
    d.say(f"company publishes {campus['id']} aimed at {university} only")
    d.call(
        "POST",
        f"/v1/postings/{campus['id']}/university-approvals",
        office,
        json={"decision": "approve"},
    )
    d.say(f"{university}'s career office approves {campus['id']} for its students")
    seen = d.until(
        "students see the campus project",
        lambda: d.call("GET", f"/v1/postings/{campus['id']}", students["chloe"]),
        lambda p: p["id"] == campus["id"],
    )
    d.say(f"chloe (a Northfield student) can now see {seen['id']}")

    applications = {}
    for name, who in students.items():
        applications[name] = d.until(
            f"{name} applies",
            lambda who=who, name=name: d.call(
                "POST",
                f"/v1/postings/{public['id']}/applications",
                who,
                201,
                json={"pitch": f"{name.title()} here: I surveyed 400 students last term."},
            ),
            bool,
        )["id"]
        d.say(f"{name} applies to {public['id']} -> {applications[name]}")

    d.call("POST", f"/v1/applications/{applications['ada']}/shortlist", boss, json={})
    d.say(f"company shortlists ada ({applications['ada']})")
    key = {"Idempotency-Key": f"hire-{applications['ada']}"}
    d.call("POST", f"/v1/applications/{applications['ada']}/hire", boss, json={}, headers=key)
    replay = d.http.post(
        f"/v1/applications/{applications['ada']}/hire", json={}, headers=boss | key
    )
    if replay.headers.get("idempotent-replayed") != "true":
        raise DemoError(f"a retried hire was not replayed: {replay.status_code} {replay.text}")
    d.say(
        "company hires ada; the retried request (same Idempotency-Key) is replayed, not a 2nd hire"
    )
    for name in ("ben", "chloe"):
        app = d.until(
            f"{name} answered",
            lambda n=name: d.call("GET", f"/v1/applications/{applications[n]}", students[n]),
            lambda a: a["status"] == "APPLICATION_STATUS_REJECTED",
        )
        d.say(f"{name}'s application: {app['status']} ({app['decision_reason']}), answered at once")

    ada = students["ada"]
    engagement = d.until(
        "ada's engagement",
        lambda: d.call("GET", "/v1/me/engagements", ada),
        lambda r: len(r["engagements"]) == 1,
    )["engagements"][0]["id"]
    d.say(f"engagement {engagement} starts")
    work = {
        "note": "Report and slide attached.",
        "artifacts": [
            {"name": "report.pdf", "url": "https://files.example/report.pdf", "sha256": "ab" * 32}
        ],
    }
    d.call("POST", f"/v1/engagements/{engagement}/submissions", ada, 201, json=work)
    d.say("ada submits the work (submission 1)")
    d.call(
        "POST",
        f"/v1/engagements/{engagement}/request-revision",
        boss,
        json={"submission_number": 1, "feedback": "Please add the sources for the survey numbers."},
    )
    d.say("company requests a revision: add the sources")
    d.call(
        "POST",
        f"/v1/engagements/{engagement}/submissions",
        ada,
        201,
        json=work | {"note": "Sources added."},
    )
    d.say("ada submits again (submission 2)")
    d.call(
        "POST",
        f"/v1/engagements/{engagement}/approve",
        boss,
        json={"submission_number": 2, "feedback": "Excellent, thank you."},
    )
    d.say("company approves submission 2")
    payout = d.until(
        "the payout", lambda: d.call("GET", "/v1/me/payouts", ada), lambda r: len(r["payouts"]) == 1
    )["payouts"][0]
    d.say(f"payout {payout['id']} is {payout['status']} (ada has no payout account yet)")
    d.call(
        "PUT",
        "/v1/me/payout-account",
        ada,
        json={"destination_token": "tok_demo", "country": "US", "currency": "USD"},
    )
    d.say("ada registers a payout account")
    paid = d.until(
        "payout paid",
        lambda: d.call("GET", f"/v1/payouts/{payout['id']}", ada),
        lambda p: p["status"] == "PAYOUT_STATUS_PAID",
    )
    amount = int(paid["amount"]["amount_minor"]) / 100
    d.say(f"payout {paid['id']} is PAID: {paid['amount']['currency']} {amount:.2f}")

    d.call(
        "POST",
        f"/v1/engagements/{engagement}/feedback",
        boss,
        json={"rating": 5, "comment": "Sharp and on time.", "endorsed_skills": ["excel"]},
    )
    d.call(
        "POST",
        f"/v1/engagements/{engagement}/feedback",
        ada,
        json={"rating": 5, "comment": "Clear brief."},
    )
    d.say("both sides rate (double-blind: revealed now that both have rated)")
    record = d.until(
        "the revealed record",
        lambda: d.call("GET", f"/v1/engagements/{engagement}/experience-record", ada),
        lambda r: bool(r["record"].get("employer_rating")),
    )
    d.say(f"ada's experience record: {record.get('resume_line', '')}")
    verified = d.call("POST", "/v1/experience-records/verify", None, json={"jws": record["jws"]})
    if not verified["valid"]:
        raise DemoError(f"the record does not verify: {verified}")
    d.say(f"anyone verifies it without a token: valid={verified['valid']} ({verified['reason']})")

    got = d.until(
        "the webhooks",
        lambda: receiver.unique(secret),
        lambda u: {p["type"] for p in u.values()} >= set(HOOK_TYPES),
    )
    d.say(f"the receiver got {len(got)} signed events, each verified:")
    for msg_id, payload in sorted(got.items(), key=lambda kv: kv[1]["timestamp"]):
        print(f"          {payload['timestamp']}  {payload['type']:<22} {msg_id}")


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
        demo.call("GET", "/readyz", None)
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
