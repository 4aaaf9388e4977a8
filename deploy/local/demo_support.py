"""The demo's plumbing: an HTTP client that narrates and polls, and a webhook receiver."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from gateway.auth import issue_dev_token


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


@dataclass(frozen=True)
class Cast:
    """Who plays: ids and their tokens' headers."""

    company: str
    university: str
    boss: dict[str, str]
    office: dict[str, str]
    students: dict[str, dict[str, str]]


def cast(d: Demo) -> Cast:
    # Ids are `<prefix>_<lowercase alphanumerics>`: payouts refuses others (README, known issue).
    company, university = f"cmp_brewco{d.run}", f"uni_northfield{d.run}"
    names = ("ada", "ben", "chloe")
    c = Cast(
        company=company,
        university=university,
        boss=d.who("employer", f"usr_dana{d.run}", company),
        office=d.who("university", f"usr_careers{d.run}", university),
        students={n: d.who("student", f"stu_{n}{d.run}", university) for n in names},
    )
    d.say(f"run {d.run}: company {company}, university {university}, students {', '.join(names)}")
    profile = {"display_name": "BrewCo", "website": "https://brewco.example"}
    d.call("PUT", f"/v1/companies/{company}", c.boss, json=profile)
    verification = {"status": "VERIFICATION_STATUS_VERIFIED", "domain": "brewco.example"}
    admin = d.who("admin", f"usr_ops{d.run}")
    d.call("POST", f"/v1/companies/{company}/verification", admin, json=verification)
    d.say(f"{company} saves its profile (BrewCo); an admin verifies it: its postings open directly")
    return c


def money(m: dict[str, Any]) -> str:
    return f"{m['currency']} {int(m['amount_minor']) / 100:.2f}"


def show_webhooks(d: Demo, receiver: Receiver, secret: str, types: tuple[str, ...]) -> None:
    """Wait for every subscribed type, then list the signed events the receiver verified."""
    got = d.until(
        "the webhooks",
        lambda: receiver.unique(secret),
        lambda u: {p["type"] for p in u.values()} >= set(types),
    )
    d.say(f"the receiver got {len(got)} signed events, each verified:")
    for msg_id, payload in sorted(got.items(), key=lambda kv: kv[1]["timestamp"]):
        print(f"          {payload['timestamp']}  {payload['type']:<22} {msg_id}")


def pay(d: Demo, c: Cast) -> dict[str, Any]:
    """The payout waits for ada's account, then is paid; returns the paid payout."""
    ada = c.students["ada"]
    payout = d.until(
        "the payout", lambda: d.call("GET", "/v1/me/payouts", ada), lambda r: len(r["payouts"]) == 1
    )["payouts"][0]
    d.say(f"payout {payout['id']} is {payout['status']} (ada has no payout account yet)")
    account = {"destination_token": "tok_demo", "country": "US", "currency": "USD"}
    d.call("PUT", "/v1/me/payout-account", ada, json=account)
    d.say("ada registers a payout account")
    paid = d.until(
        "payout paid",
        lambda: d.call("GET", f"/v1/payouts/{payout['id']}", ada),
        lambda p: p["status"] == "PAYOUT_STATUS_PAID",
    )
    d.say(f"payout {paid['id']} is PAID: {money(paid['amount'])} to ada")
    result: dict[str, Any] = paid
    return result
