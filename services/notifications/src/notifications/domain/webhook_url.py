"""Strict syntax of webhook URLs, and the host exactly as the HTTP client will read it.

Two parsers read every URL: `urllib.parse` (what a person sees) and yarl (what aiohttp
connects to; it applies IDNA/UTS 46, so ``①②⑦.0.0.1`` becomes ``127.0.0.1``). A URL is
accepted only when both agree, and its host is judged in yarl's reading.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from yarl import URL

from notifications.domain.addresses import IPAddress
from notifications.domain.hostnames import NotAHost, is_canonical_ipv4, is_hostname, numeric_ipv4

MAX_URL = 2000
SCHEMES = frozenset({"http", "https"})
_PORT = re.compile(r"[0-9]{1,5}\Z")
# Control, format (zero-width, bidi overrides) and separator characters.
_INVISIBLE = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


class BadWebhookUrl(ValueError):
    """The URL cannot be a webhook endpoint; the message is the field error."""


@dataclass(frozen=True)
class WebhookTarget:
    url: URL  # what the client is given, so it connects to exactly what was judged
    host: str  # ASCII, lower case, without brackets: the client's host
    ip: IPAddress | None  # the address the host denotes; None for a name (resolved later)


def parse_webhook_url(url: str) -> WebhookTarget:
    """The target of a webhook URL; BadWebhookUrl says why there is none."""
    if not url:
        raise BadWebhookUrl("required")
    if len(url) > MAX_URL:
        raise BadWebhookUrl(f"at most {MAX_URL} characters")
    if any(ch.isspace() or unicodedata.category(ch) in _INVISIBLE for ch in url):
        raise BadWebhookUrl("must not contain whitespace or control characters")
    if "\\" in url:  # browsers read it as "/", RFC 3986 parsers as data: never unambiguous
        raise BadWebhookUrl("must not contain backslashes")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise BadWebhookUrl("not a URL") from exc
    if parts.scheme not in SCHEMES or not parts.netloc:
        raise BadWebhookUrl("must be an absolute http or https URL")
    if "@" in parts.netloc:
        raise BadWebhookUrl("must not carry credentials")
    host, bracketed, port = _split_authority(parts.netloc)
    if "%" in host:  # percent-encoded hosts and IPv6 zone ids
        raise BadWebhookUrl("host must not be percent-encoded")
    client = _client_url(url)
    default_port = 443 if parts.scheme == "https" else 80
    if client.port != (default_port if port is None else port):
        raise BadWebhookUrl("is ambiguous: the port reads differently to the HTTP client")
    client_host = client.raw_host or ""
    if bracketed:
        return WebhookTarget(client, client_host, _ipv6(host, client_host))
    return WebhookTarget(client, client_host, _name_or_ipv4(host, client_host))


def _split_authority(netloc: str) -> tuple[str, bool, int | None]:
    """(host, whether it was a bracketed IPv6 literal, port or None)."""
    if netloc.startswith("["):
        host, _, rest = netloc[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise BadWebhookUrl("not a URL")
        port_text: str | None = rest[1:] if rest else None
        bracketed = True
    else:
        host, colon, tail = netloc.partition(":")
        port_text = tail if colon else None
        bracketed = False
    if not host:
        raise BadWebhookUrl("must name a host")
    if port_text is None:
        return host, bracketed, None
    if not _PORT.match(port_text) or not 1 <= int(port_text) <= 65535:
        raise BadWebhookUrl("port must be a number from 1 to 65535")
    return host, bracketed, int(port_text)


def _client_url(url: str) -> URL:
    try:
        client = URL(url)
    except (ValueError, UnicodeError) as exc:  # yarl's IDNA step refuses illegal names
        raise BadWebhookUrl("host is not a valid name or address") from exc
    if client.user is not None or client.password is not None:
        raise BadWebhookUrl("must not carry credentials")
    if not client.raw_host:
        raise BadWebhookUrl("must name a host")
    return client


def _ipv6(host: str, client_host: str) -> IPAddress:
    try:
        ip = ipaddress.IPv6Address(host)
    except ValueError as exc:
        raise BadWebhookUrl("host is not a valid IPv6 address") from exc
    if ipaddress.ip_address(client_host) != ip:
        raise BadWebhookUrl("is ambiguous: the host reads differently to the HTTP client")
    return ip


def _name_or_ipv4(host: str, client_host: str) -> IPAddress | None:
    if host.isascii() and host.lower() != client_host:
        raise BadWebhookUrl("is ambiguous: the host reads differently to the HTTP client")
    try:
        ip = numeric_ipv4(client_host)
    except NotAHost as exc:
        raise BadWebhookUrl("host is not a valid name or address") from exc
    if not host.isascii():
        if ip is not None:
            raise BadWebhookUrl(f"must not spell an IP address in Unicode (it reads as {ip})")
        if not any(label.startswith("xn--") for label in client_host.split(".")):
            # A real international name keeps an xn-- label; this is an ASCII name in
            # look-alike characters (fullwidth letters, ideographic full stops).
            raise BadWebhookUrl(f"must spell the host in ASCII (it reads as {client_host})")
    if ip is None and not is_hostname(client_host):
        raise BadWebhookUrl("host is not a valid name or address")
    return ip


def canonical_ipv4_problem(target: WebhookTarget) -> str:
    """Legacy numeric spellings (``2130706433``, ``0x7f.1``, ``127.1``) read differently by
    different clients; the address they denote is judged first, then they are refused."""
    if isinstance(target.ip, ipaddress.IPv4Address) and not is_canonical_ipv4(target.host):
        return f"must write the IPv4 address as {target.ip}"
    return ""
