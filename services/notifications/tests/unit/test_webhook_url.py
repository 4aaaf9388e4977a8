"""Webhook URL rules at registration: strict syntax, and hosts judged as the client reads them."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from notifications.domain import policy
from notifications.domain.hostnames import NotAHost, is_hostname, numeric_ipv4
from notifications.domain.webhook_url import parse_webhook_url

from .ssrf_table import SSRF

PORT = 8080


def test_the_form_table_is_broad_and_unambiguous() -> None:
    labels = [form.label for form in SSRF.FORMS]
    assert len(labels) >= 35
    assert len(set(labels)) == len(labels)
    assert all(form.resolves_to for form in SSRF.FORMS if form.stage == "connect")


@pytest.mark.parametrize("form", SSRF.FORMS, ids=lambda f: f.label)
def test_each_form_is_refused_where_the_table_says(form: Any) -> None:
    for allow_loopback in (False, True):
        problem = policy.url_problem(form.url(PORT), allow_loopback=allow_loopback)
        expected = SSRF.refused_at(form, allow_loopback=allow_loopback) == "registration"
        assert bool(problem) == expected, (allow_loopback, problem)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://①②⑦.0.0.1:8080/x", "must not spell an IP address in Unicode"),
        ("http://⓪.⓪.⓪.⓪:8080/x", "reads as 0.0.0.0"),
        ("http://⑯⑨.②⑤④.⑯⑨.②⑤④/latest/meta-data", "reads as 169.254.169.254"),
        ("http://⑩.⓪.⓪.①/", "reads as 10.0.0.1"),
        ("http://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com/", "must spell the host in ASCII"),
        ("http://2130706433/", "127.0.0.1 is a loopback address"),
        ("http://0x0a.1/", "10.0.0.1 is a private address"),
        ("http://[2002:a9fe:a9fe::1]/", "carries 169.254.169.254"),
        ("http://[64:ff9b::a00:1]/", "carries 10.0.0.1"),
        ("http://[64:ff9b:1::1]/", "local-use NAT64"),
        ("http://a b.example/", "whitespace"),
        ("http://example.com/\x7f", "control"),
        ("http://example.com:0/", "port must be"),
        ("http://example.com:65536/", "port must be"),
        ("http://example.com:/", "port must be"),
        ("http://user@example.com/", "credentials"),
        ("http://exa_mple.com/", "not a valid name"),
        ("http://-example.com/", "not a valid name"),
        ("http://a..example/", "not a valid name"),
        ("http://1.2.3.4.5/", "not a valid name"),
        ("http://256.0.0.1/", "not a valid name"),
        ("http://08/", "not a valid name"),
        ("http://" + "a" * 64 + ".example/", "not a valid name"),
        ("http://[::1/", "not a URL"),
        ("ftp://example.com/", "http or https"),
        ("http:example.com", "http or https"),
    ],
)
def test_bad_urls_get_a_clear_reason(url: str, problem: str) -> None:
    assert problem in policy.url_problem(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://ats.example.com/hooks?x=1#frag",
        "HTTPS://ATS.Example.COM:8443/hooks",
        "https://bücher.example/hooks",  # a real international name: xn--bcher-kva
        "https://xn--bcher-kva.example/hooks",
        "https://example.com./hooks",  # fully qualified
        "http://93.184.215.14/",
        "http://[2606:4700::1111]/",
        "http://[64:ff9b::5db8:d70e]/",  # NAT64 of a public address
        "https://ats.internal/hooks",  # names are judged at connect time
    ],
)
def test_good_urls_pass(url: str) -> None:
    assert policy.url_problem(url) == ""


def test_a_public_address_in_a_legacy_spelling_is_refused_too() -> None:
    # aiohttp 3.14 refuses these itself and other clients read them differently.
    assert (
        policy.url_problem("http://1572395042/") == "must write the IPv4 address as 93.184.216.34"
    )


def test_the_target_is_what_the_client_connects_to() -> None:
    target = parse_webhook_url("https://Bücher.Example:8443/a")
    assert (target.host, target.ip) == ("xn--bcher-kva.example", None)
    assert target.url.raw_host == target.host
    assert target.url.port == 8443
    assert parse_webhook_url("http://[::ffff:7f00:1]/").ip == ipaddress.ip_address("::ffff:7f00:1")


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0X7F.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("0x", "0.0.0.0"),
        ("10.0.0.1", "10.0.0.1"),
        ("example.com", None),
        ("1.example", None),
        ("0x7f.example", None),
    ],
)
def test_numeric_hosts_denote_what_inet_aton_reads(host: str, address: str | None) -> None:
    found = numeric_ipv4(host)
    assert (str(found) if found else None) == address


@pytest.mark.parametrize("host", ["1.2.3.4.5", "256.0.0.1", "1.16777216", "09", "1..2"])
def test_numbers_that_are_no_address_are_no_host(host: str) -> None:
    with pytest.raises(NotAHost):
        numeric_ipv4(host)


def test_host_name_syntax() -> None:
    for good in ("a-b.example", "example.", "x" * 63, "localhost"):
        assert is_hostname(good), good
    for bad in ("", ".", "a_b.example", "a..b", "-a.b", "a-.b", "x" * 64, "a." * 127 + "ab"):
        assert not is_hostname(bad), bad
