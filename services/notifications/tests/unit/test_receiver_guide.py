"""The receiver's guide in the README works: its code runs against our signatures."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from notifications.domain.signing import new_secret, webhook_headers

README = Path(__file__).resolve().parents[2] / "README.md"
BODY = '{"data":{"application":{"company_id":"cmp_1"}},"timestamp":"2026-01-01T00:00:00Z","type":"application.submitted"}'  # noqa: E501


@pytest.fixture(scope="module")
def guide() -> dict[str, Any]:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) == 2
    namespace: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # our own docs
    return namespace


def signed(secrets: list[str], stamp: int | None = None) -> dict[str, str]:
    return webhook_headers(secrets, "msg_guide", stamp or int(time.time()), BODY)


@pytest.mark.parametrize("check", ["verify", "verify_manually"])
def test_the_guide_accepts_our_signatures_and_rejects_forgeries(
    guide: dict[str, Any], check: str
) -> None:
    old, new = new_secret(), new_secret()
    fn = guide[check]
    rotating = signed([old, new])
    assert fn(old, BODY.encode(), rotating)
    assert fn(new, BODY.encode(), rotating)
    assert not fn(new_secret(), BODY.encode(), rotating)
    assert not fn(new, BODY.encode() + b" ", rotating)
    assert not fn(new, BODY.encode(), signed([new], int(time.time()) - 3600))
