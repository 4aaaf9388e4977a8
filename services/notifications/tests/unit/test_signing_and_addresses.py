"""Standard Webhooks signatures (checked by the reference package) and the SSRF rule."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from notifications.domain.addresses import refusal
from notifications.domain.signing import new_secret, sign, webhook_headers

BODY = '{"data":{},"timestamp":"2026-01-01T00:00:00Z","type":"webhook.test"}'


def test_signature_is_accepted_by_the_reference_implementation() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    headers = webhook_headers([secret], "msg_1", int(time.time()), BODY)
    assert Webhook(secret).verify(BODY, headers) == {
        "data": {},
        "timestamp": "2026-01-01T00:00:00Z",
        "type": "webhook.test",
    }


def test_every_active_secret_signs_and_a_foreign_one_fails() -> None:
    old, new = new_secret(), new_secret()
    headers = webhook_headers([old, new], "msg_1", int(time.time()), BODY)
    assert headers["webhook-signature"].count("v1,") == 2
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_known_vector() -> None:
    # From the Standard Webhooks specification's example.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = '{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("fd00::1", "unique-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("100.100.100.200", "cloud metadata"),
        ("168.63.129.16", "cloud metadata"),  # Azure's wire server is in public space
        ("::7f00:1", "reserved"),  # IPv4-compatible, deprecated
        ("2002:7f00:1::1", "carries 127.0.0.1"),  # 6to4
        ("2002:a9fe:a9fe::", "carries 169.254.169.254"),
        ("64:ff9b::7f00:1", "carries 127.0.0.1"),  # NAT64
        ("64:ff9b::a00:1", "carries 10.0.0.1"),
        ("64:ff9b:1::a00:1", "local-use NAT64"),
        ("2001::1", "private"),  # Teredo
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("255.255.255.255", "private"),
        ("198.18.0.1", "private"),  # benchmarking
        ("192.0.2.1", "private"),  # documentation
        ("240.0.0.1", "240.0.0.1 is"),  # private or reserved, by Python version
        ("not-an-ip", "not an IP address"),
        ("93.184.215.14", ""),
        ("2606:4700::1111", ""),
        ("::ffff:93.184.215.14", ""),
        ("2002:5db8:d70e::1", ""),  # 6to4 of a public address
        ("64:ff9b::5db8:d70e", ""),  # NAT64 of a public address
    ],
)
def test_refused_addresses(address: str, refused: str) -> None:
    reason = refusal(address, allow_loopback=False)
    assert (refused in reason) if refused else reason == ""
    assert bool(reason) == bool(refused)


def test_loopback_only_when_allowed() -> None:
    assert refusal("127.0.0.1", allow_loopback=True) == ""
    assert refusal("10.0.0.1", allow_loopback=True) != ""
    assert refusal("169.254.169.254", allow_loopback=True) != ""
    assert refusal("::ffff:127.0.0.1", allow_loopback=True) == ""
    # A tunnel never leads to our own loopback, and 0.0.0.0 is no loopback spelling.
    assert refusal("2002:7f00:1::1", allow_loopback=True) != ""
    assert refusal("64:ff9b::7f00:1", allow_loopback=True) != ""
    assert refusal("0.0.0.0", allow_loopback=True) != ""


@settings(max_examples=50, deadline=None)
@given(
    body=st.text(max_size=300),
    msg_id=st.from_regex(r"msg_[a-z0-9]{1,26}", fullmatch=True),
    secrets=st.lists(st.binary(min_size=24, max_size=64), min_size=1, max_size=3),
)
def test_any_body_verifies_with_every_active_secret(
    body: str, msg_id: str, secrets: list[bytes]
) -> None:
    keys = [new_secret(raw) for raw in secrets]
    headers = webhook_headers(keys, msg_id, int(time.time()), json.dumps({"b": body}))
    for key in keys:
        Webhook(key).verify(json.dumps({"b": body}), headers)
