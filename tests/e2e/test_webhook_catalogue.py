"""The webhook catalogue against real deliveries: every body the platform delivers during a
micro-internship, and a `webhook.test`, validates against the JSON Schema that
`GET /v1/webhooks/event-types` serves for its type; only roles that can subscribe read it."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import jsonschema_rs
import pytest

from stint.kit.testing.poll import eventually

from .conftest import Receiver, auth
from .flow import apply, engagement_of, hire, posting, publish, review, submit, webhook_messages

CATALOGUE = "/v1/webhooks/event-types"
# What the company's endpoint must have received before the bodies are checked (each of these
# is produced below; more may come, and every one is checked).
WANTED = {
    "webhook.test",
    "posting.created",
    "posting.updated",
    "posting.cancelled",
    "posting.published",
    "application.submitted",
    "application.shortlisted",
    "application.rejected",
    "candidate.hired",
    "engagement.started",
    "work.submitted",
    "revision.requested",
    "submission.approved",
    "payout.paid",
    "funding.secured",
    "funding.released",
    "invoice.issued",
    "invoice.paid",
}


def _offline(uri: str) -> Any:
    raise AssertionError(f"the schema refers outside itself: {uri}")


def problems(schema: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """Why `body` is not what `schema` describes (formats checked, nothing fetched)."""
    check = jsonschema_rs.Draft202012Validator(schema, validate_formats=True, retriever=_offline)
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in check.iter_errors(body)]


async def catalogue_as(http: httpx.AsyncClient, who: dict[str, str]) -> dict[str, Any]:
    served = await http.get(CATALOGUE, headers=who)
    assert served.status_code == 200, served.text
    types = {t["name"]: t for t in served.json()["event_types"]}
    for name, entry in types.items():  # JSON objects, not text
        assert isinstance(entry["schema"], dict), name
        assert isinstance(entry["example_body"], dict), name
        assert problems(entry["schema"], entry["example_body"]) == [], name
    return types


async def subscribe(
    http: httpx.AsyncClient, receiver: Receiver, path: str, who: dict[str, str]
) -> tuple[str, str]:
    """A new endpoint at `path` of the receiver, with a test message queued: (id, secret)."""
    hook = await http.post("/v1/webhooks/endpoints", json={"url": receiver.url + path}, headers=who)
    assert hook.status_code == 201, hook.text
    endpoint_id: str = hook.json()["endpoint"]["id"]
    test = await http.post(f"/v1/webhooks/endpoints/{endpoint_id}/test", json={}, headers=who)
    assert test.status_code == 200, test.text
    return endpoint_id, hook.json()["secret"]


async def internship(http: httpx.AsyncClient, employer: dict[str, str], university: str) -> None:
    """A draft changed then cancelled; a posting filled by one of two applicants, whose work
    is revised, approved and paid."""
    draft = await http.post("/v1/postings", json=posting("Dropped idea"), headers=employer)
    assert draft.status_code == 201, draft.text
    draft_id = draft.json()["id"]
    changed = await http.patch(
        f"/v1/postings/{draft_id}", json={"description": "A new angle."}, headers=employer
    )
    assert changed.status_code == 200, changed.text
    cancelled = await http.post(
        f"/v1/postings/{draft_id}/cancel", json={"reason": "Budget moved"}, headers=employer
    )
    assert cancelled.status_code == 200, cancelled.text

    posting_id = await publish(http, employer, posting("Catalogue check"))
    students = [auth("student", f"stu{i}_{university}", university) for i in range(2)]
    applications = [await apply(http, posting_id, s) for s in students]
    await hire(http, applications[0], employer)
    intern = students[0]
    engagement_id = await engagement_of(http, intern)
    first = await submit(http, engagement_id, intern)
    revised = await review(http, engagement_id, employer, "request-revision", first)
    assert revised.status_code == 200, revised.text
    approved = await review(
        http, engagement_id, employer, "approve", await submit(http, engagement_id, intern)
    )
    assert approved.status_code == 200, approved.text
    account = await http.put(
        "/v1/me/payout-account",
        json={"destination_token": "tok_e2e", "country": "US", "currency": "USD"},
        headers=intern,
    )
    assert account.status_code == 200, account.text


async def delivered(
    http: httpx.AsyncClient, receiver: Receiver, path: str, endpoint: tuple[str, str], who: Any
) -> dict[str, dict[str, Any]]:
    """Every message queued for the endpoint, once all of them arrived (webhook-id -> body)."""
    endpoint_id, secret = endpoint
    await eventually(
        lambda: webhook_messages(http, endpoint_id, who),
        until=lambda ms: bool(ms) and {m["id"] for m in ms} <= set(receiver.verified(path, secret)),
        timeout=40,
        interval=0.2,
        what=f"every webhook of {path} delivered",
    )
    return receiver.verified(path, secret)


@pytest.mark.timeout(240)
async def test_every_delivered_body_matches_the_catalogue_schema_of_its_type(
    http: httpx.AsyncClient, receiver: Receiver, unique: str
) -> None:
    company, university = f"cmp_{unique}", f"uni_{unique}"
    owners = {
        f"/catalogue/{company}": auth("employer", f"boss_{unique}", company),
        f"/catalogue/{university}": auth("university", f"office_{unique}", university),
        f"/catalogue/platform_{unique}": auth("admin", f"ops_{unique}"),
    }
    # Every role that can subscribe reads the catalogue, the same one; students subscribe to
    # nothing and read nothing.
    served = [await catalogue_as(http, who) for who in owners.values()]
    assert served[0] == served[1] == served[2]
    catalogue = served[0]
    assert "webhook.test" in catalogue
    student = auth("student", f"stu_{unique}", university)
    assert (await http.get(CATALOGUE, headers=student)).status_code == 403
    assert (await http.post("/v1/webhooks/endpoints", json={}, headers=student)).status_code == 403
    assert (await http.get(CATALOGUE)).status_code == 401

    endpoints = {path: await subscribe(http, receiver, path, who) for path, who in owners.items()}
    employer = owners[f"/catalogue/{company}"]
    await internship(http, employer, university)

    company_path = f"/catalogue/{company}"
    await eventually(
        lambda: receiver.verified(company_path, endpoints[company_path][1]),
        until=lambda got: {p["type"] for p in got.values()} >= WANTED,
        timeout=60,
        interval=0.2,
        what="the company's webhooks",
    )
    checked: set[str] = set()
    for path, who in owners.items():
        bodies = await delivered(http, receiver, path, endpoints[path], who)
        for webhook_id, body in bodies.items():
            assert body["type"] in catalogue, f"{webhook_id}: a type the catalogue lacks"
            found = problems(catalogue[body["type"]]["schema"], body)
            assert found == [], f"{path} {webhook_id} {body['type']}: {found}"
            checked.add(body["type"])
    assert checked >= WANTED

    # The check has teeth: one real body with a field its schema does not allow, or without
    # one it requires, fails it.
    bodies = receiver.verified(company_path, endpoints[company_path][1])
    real = next(b for b in bodies.values() if b["type"] == "application.submitted")
    schema = catalogue["application.submitted"]["schema"]
    extra = copy.deepcopy(real)
    extra["data"]["application"]["surprise"] = "x"
    missing = copy.deepcopy(real)
    del missing["data"]["application"]["status"]
    assert problems(schema, extra)
    assert problems(schema, missing)
