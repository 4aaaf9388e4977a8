# ruff: noqa: RUF001 - look-alike digits are the attack under test
"""Webhook SSRF (issue 14, item 1), on the live platform with production's rule: every URL form
that denotes or resolves to a loopback, private, link-local, metadata or otherwise internal
address is refused at registration or before any connection, and a listener on loopback
counts the connections it got: 0."""

from __future__ import annotations

import functools
import socket
from typing import Any

import httpx

from stint.kit.testing.poll import eventually

from ..e2e.conftest import auth
from .conftest import Listener, Tally
from .ssrf_forms import FORMS, refused_at

EMPLOYER = auth("employer", "usr_ssrf", "cmp_ssrf")


async def _attempts(api: httpx.AsyncClient, message_id: str) -> list[dict[str, Any]]:
    response = await api.get(f"/v1/webhooks/messages/{message_id}/attempts", headers=EMPLOYER)
    assert response.status_code == 200, response.text
    attempts: list[dict[str, Any]] = response.json()["attempts"]
    return attempts


async def test_no_url_form_reaches_a_local_listener(
    api: httpx.AsyncClient, listener: Listener, tally: Tally
) -> None:
    # The listener counts: one connection of our own first, so that 0 below means something.
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass
    await eventually(lambda: listener.accepted, until=lambda n: n == 1, what="the control")
    assert len(FORMS) >= 30
    unexpected = []
    for form in FORMS:
        url = form.url(listener.port)
        created = await api.post(
            "/v1/webhooks/endpoints",
            json={"url": url, "description": form.label[:100]},
            headers=EMPLOYER,
        )
        stage = refused_at(form)
        accepted = False
        if stage == "registration":
            accepted = created.status_code < 400
            if created.status_code != 422:
                unexpected.append(f"{form.label}: {url!r} -> {created.status_code}")
        else:  # a name: accepted, then every delivery attempt is refused before connecting
            assert created.status_code == 201, f"{form.label}: {created.text}"
            endpoint_id = created.json()["endpoint"]["id"]
            sent = await api.post(
                f"/v1/webhooks/endpoints/{endpoint_id}/test", json={}, headers=EMPLOYER
            )
            assert sent.status_code == 200, sent.text
            message_id = sent.json()["id"]
            attempts = await eventually(
                functools.partial(_attempts, api, message_id),
                until=bool,
                timeout=30,
                what=f"a delivery attempt for {form.label}",
            )
            accepted = any(a["succeeded"] or a["status_code"] for a in attempts)
            if accepted or not all(a["error"] for a in attempts):
                unexpected.append(f"{form.label}: {url!r} attempted {attempts}")
        tally.record("SSRF URL forms", accepted=accepted, server_error=created.status_code >= 500)
    assert not unexpected, "\n".join(unexpected)
    assert listener.accepted == 1, "a webhook URL form reached the loopback listener"


async def test_the_reported_unicode_spellings_are_refused_at_registration(
    api: httpx.AsyncClient, listener: Listener
) -> None:
    reported = [
        f"http://⓪.⓪.⓪.⓪:{listener.port}/x",
        f"http://①②⑦.0.0.1:{listener.port}/x",
        f"http://127。0。0。1:{listener.port}/x",
        f"http://１２７.０.０.１:{listener.port}/x",
        "http://⑯⑨.②⑤④.⑯⑨.②⑤④/latest/meta-data",
        "http://⑩.⓪.⓪.①/",
        f"http://example.com:{listener.port}/with space",
        "http://example.com:0/",
    ]
    for url in reported:
        created = await api.post("/v1/webhooks/endpoints", json={"url": url}, headers=EMPLOYER)
        assert created.status_code == 422, f"{url!r}: {created.status_code} {created.text}"
        assert created.json()["errors"][0]["field"].endswith("url")
