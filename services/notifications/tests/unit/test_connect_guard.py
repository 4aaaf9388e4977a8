"""The connect-time SSRF guard, against a counting listener on 127.0.0.1 and faked DNS.

Every connect() the event loop makes is seen by a tripwire, which lets only connections to
the listener through and refuses the rest itself: a guard that failed would show up as an
attempt, and no test here ever reaches the network.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from notifications.adapters.guard import (
    AddressGate,
    GuardedResolver,
    RefusedAddress,
    guarded_connector,
    noting_refusals,
)
from notifications.adapters.http import WebhookClient

from .ssrf_table import SSRF

PUBLIC = "93.184.215.14"


class Listener:
    """Counts accepted connections and answers each with one scripted response."""

    def __init__(self) -> None:
        self.accepted = 0
        self.port = 0
        self.response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(self.response)
        await writer.drain()
        writer.close()


class Tripwire:
    """Records every connect(); passes through only those to the listener."""

    def __init__(self, loop: asyncio.AbstractEventLoop, listener: Listener) -> None:
        self.attempts: list[tuple[str, int]] = []
        self._real = loop.sock_connect
        self._listener = listener

    async def sock_connect(self, sock: socket.socket, address: Any) -> None:
        self.attempts.append((address[0], address[1]))
        if (address[0], address[1]) != ("127.0.0.1", self._listener.port):
            raise ConnectionRefusedError(111, "refused by the test tripwire")
        await self._real(sock, address)


class FakeDns(AbstractResolver):
    def __init__(self, answers: dict[str, tuple[str, ...]]) -> None:
        self.answers = answers

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if host not in self.answers:
            raise OSError(f"{host}: no such name in the fake DNS")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.answers[host]
        ]

    async def close(self) -> None:
        pass


def form_dns(port: int) -> FakeDns:
    """What a real resolver answers for each name form of the table."""
    return FakeDns(
        {URL(f.url(port)).raw_host or "": f.resolves_to for f in SSRF.FORMS if f.resolves_to}
    )


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    box = Listener()
    server = await asyncio.start_server(box.serve, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    async with server:
        yield box


@pytest.fixture
async def tripwire(listener: Listener, monkeypatch: pytest.MonkeyPatch) -> Tripwire:
    # The loop the tests run on (get_event_loop() outside a coroutine depends on test order).
    loop = asyncio.get_running_loop()
    wire = Tripwire(loop, listener)
    monkeypatch.setattr(loop, "sock_connect", wire.sock_connect)  # undone by monkeypatch
    return wire


async def post(url: str, *, allow_loopback: bool, dns: FakeDns, max_bytes: int = 100) -> Any:
    client = WebhookClient(
        timeout=5, max_response_bytes=max_bytes, allow_loopback=allow_loopback, resolver=dns
    )
    try:
        return await client.post(url, '{"type":"webhook.test"}', {"content-type": "a/json"})
    finally:
        await client.close()


@pytest.mark.parametrize("form", SSRF.FORMS, ids=lambda f: f.label)
async def test_no_refused_form_opens_a_connection(
    form: Any, listener: Listener, tripwire: Tripwire
) -> None:
    resp = await post(form.url(listener.port), allow_loopback=False, dns=form_dns(listener.port))
    assert resp.status == 0
    assert resp.error.startswith("refused"), resp.error
    assert tripwire.attempts == []
    assert listener.accepted == 0


@pytest.mark.parametrize("form", SSRF.FORMS, ids=lambda f: f.label)
async def test_the_loopback_setting_admits_exactly_the_plain_loopback_forms(
    form: Any, listener: Listener, tripwire: Tripwire
) -> None:
    resp = await post(form.url(listener.port), allow_loopback=True, dns=form_dns(listener.port))
    if SSRF.refused_at(form, allow_loopback=True) is None:
        assert tripwire.attempts, resp.error
        assert not resp.error.startswith("refused")
    else:
        assert resp.error.startswith("refused"), resp.error
        assert tripwire.attempts == []


@pytest.mark.parametrize("form", SSRF.FORMS, ids=lambda f: f.label)
async def test_the_connector_alone_opens_no_connection_for_any_form(
    form: Any, listener: Listener, tripwire: Tripwire
) -> None:
    # Without the URL rules in front: the connector must hold on its own.
    connector = guarded_connector(allow_loopback=False, resolver=form_dns(listener.port))
    async with aiohttp.ClientSession(connector=connector) as session:
        try:
            async with session.post(URL(form.url(listener.port)), data=b"{}") as resp:
                pytest.fail(f"got a response: {resp.status}")
        except (aiohttp.ClientError, ValueError):
            pass  # refused, or not even a URL aiohttp would try
    assert tripwire.attempts == []
    assert listener.accepted == 0


async def test_a_resolver_that_fails_open_is_caught_at_the_socket(
    listener: Listener, tripwire: Tripwire, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unchecked(self: GuardedResolver, host: str, port: int = 0, family: Any = 0) -> Any:
        return await self._inner.resolve(host, port, family)

    monkeypatch.setattr(GuardedResolver, "resolve", unchecked)
    dns = FakeDns({"rebound.test": (PUBLIC, "127.0.0.1")})
    resp = await post(f"http://rebound.test:{listener.port}/", allow_loopback=False, dns=dns)
    assert resp.error == "refused: 127.0.0.1 is a loopback address"
    assert tripwire.attempts == [(PUBLIC, listener.port)]  # the public answer was tried
    assert listener.accepted == 0


async def test_an_allowed_name_is_connected_through_the_guard(
    listener: Listener, tripwire: Tripwire
) -> None:
    url = f"http://hooks.example.test:{listener.port}/hook"
    dns = FakeDns({"hooks.example.test": ("127.0.0.1",)})
    resp = await post(url, allow_loopback=True, dns=dns)
    assert (resp.status, resp.body, resp.error) == (200, "ok", "")
    assert tripwire.attempts == [("127.0.0.1", listener.port)]
    assert listener.accepted == 1


async def test_a_public_answer_is_attempted(listener: Listener, tripwire: Tripwire) -> None:
    dns = FakeDns({"public.example.test": (PUBLIC,)})
    resp = await post("http://public.example.test:8443/h", allow_loopback=False, dns=dns)
    assert tripwire.attempts == [(PUBLIC, 8443)]  # the tripwire refused it, not the guard
    assert not resp.error.startswith("refused")


@pytest.mark.parametrize(("allow_loopback", "reached"), [(False, 0), (True, 1)])
async def test_the_socket_gate_alone_stops_an_unchecked_answer(
    listener: Listener, tripwire: Tripwire, allow_loopback: bool, reached: int
) -> None:
    # An unguarded resolver, as if an answer had slipped past the resolver check.
    connector = aiohttp.TCPConnector(
        resolver=FakeDns({"rebound.test": ("127.0.0.1",)}),
        socket_factory=AddressGate(allow_loopback),
        use_dns_cache=False,
    )
    async with aiohttp.ClientSession(connector=connector) as session:
        with noting_refusals() as refused:
            try:
                async with session.get(f"http://rebound.test:{listener.port}/") as resp:
                    assert resp.status == 200
            except aiohttp.ClientConnectorError:
                pass
    assert listener.accepted == reached
    assert len(tripwire.attempts) == reached
    assert refused == ([] if reached else ["127.0.0.1 is a loopback address"])


async def test_a_name_is_refused_when_any_answer_is() -> None:
    dns = FakeDns({"mixed.test": (PUBLIC, "10.0.0.1"), "public.test": (PUBLIC,)})
    resolver = GuardedResolver(False, dns)
    with pytest.raises(RefusedAddress, match=r"mixed\.test: 10\.0\.0\.1 is a private address"):
        await resolver.resolve("mixed.test", 443)
    assert [r["host"] for r in await resolver.resolve("public.test", 443)] == [PUBLIC]


async def test_redirects_are_not_followed_and_reads_are_bounded(
    listener: Listener, tripwire: Tripwire
) -> None:
    listener.response = (
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/next\r\n"
        b"Content-Length: 1000\r\nConnection: close\r\n\r\n" + b"x" * 1000
    )
    url = f"http://127.0.0.1:{listener.port}/hook"
    resp = await post(url, allow_loopback=True, dns=FakeDns({}), max_bytes=10)
    assert (resp.status, resp.body) == (302, "x" * 10)
    assert tripwire.attempts == [("127.0.0.1", listener.port)]
