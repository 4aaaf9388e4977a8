"""E-mail template, address rule and the retry of a failed send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from notifications.domain.email import Email, address_problem, compose
from notifications.domain.inbox import Notification
from notifications.domain.model import Status
from notifications.handlers import Mail
from stint.kit.testing.clock import ManualClock

T = datetime(2026, 3, 1, tzinfo=UTC)
NOTE = Notification(
    "ntf_01jexample0000000000000000", "student:usr_1", "candidate.hired", "You are hired",
    "You were hired for “Scan”.", "app_1", "evt_1", T,
)  # fmt: skip


class Repo:
    def __init__(self) -> None:
        self.saved: list[Email] = []

    async def save_email(self, e: Email) -> None:
        self.saved.append(e)


def test_template() -> None:
    e = compose(NOTE, "ada@example.com", "https://stint.example/inbox", T)
    assert e.id == "eml_01jexample0000000000000000"
    assert e.subject == "[Stint] You are hired"
    assert "You were hired for “Scan”." in e.body
    assert "https://stint.example/inbox" in e.body
    assert '"candidate.hired"' in e.body
    assert (e.status, e.next_attempt_at) == (Status.PENDING, T)


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("ada@example.com", True),
        ("", True),
        ("nope", False),
        ("a@b", False),
        ("a" * 250 + "@x.io", False),
    ],
)
def test_addresses(address: str, ok: bool) -> None:
    assert (address_problem(address) == "") is ok


async def test_failures_follow_the_schedule_then_give_up() -> None:
    async def refuse(*args: Any) -> None:
        raise ConnectionRefusedError("nobody home")

    repo, clock = Repo(), ManualClock(T)
    mail = Mail(repo, refuse, (0.0, 30.0), clock)
    e = compose(NOTE, "ada@example.com", "", T)
    await mail.attempt(e)
    retry = repo.saved[-1]
    assert (retry.status, retry.attempts) == (Status.PENDING, 1)
    assert retry.next_attempt_at == T + timedelta(seconds=30)
    assert "nobody home" in retry.last_error
    await mail.attempt(retry)
    assert (repo.saved[-1].status, repo.saved[-1].next_attempt_at) == (Status.FAILED, None)


async def test_success_settles_the_email() -> None:
    sent: list[tuple[str, ...]] = []

    async def accept(*args: str) -> None:
        sent.append(args)

    repo = Repo()
    await Mail(repo, accept, (0.0,), ManualClock(T)).attempt(compose(NOTE, "a@b.io", "", T))
    assert sent[0][0] == "a@b.io"
    assert (repo.saved[-1].status, repo.saved[-1].attempts) == (Status.SUCCEEDED, 1)
