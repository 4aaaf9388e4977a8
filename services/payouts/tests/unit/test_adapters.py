"""Adapters without I/O: the sandbox provider's contract, wire mapping, page tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from payouts.adapters import wire
from payouts.adapters.sandbox import SandboxProvider
from payouts.domain.events import PayoutEvent, PayoutEventKind
from payouts.handlers.ports import PayoutRequest, ProviderStatus
from stint.common.v1.pagination_pb2 import PageRequest
from stint.kit import paging
from stint.kit.actor import Actor, Cause
from stint.kit.errors import InvalidArgument
from stint.kit.money import Money
from stint.kit.testing.clock import ManualClock
from stint.kit.wire import page_response
from stint.kit.wire import paging as page_of
from stint.payouts.v1 import events_pb2 as ev
from stint.payouts.v1 import payout_pb2 as pb

from .fakes import MemorySandboxStore
from .world import World


def request(token: str, attempt: int = 1) -> PayoutRequest:
    return PayoutRequest(f"pay_1.{attempt}", "pay_1", attempt, Money(100, "USD"), token)


@pytest.mark.parametrize(
    ("token", "attempt", "status", "code", "retryable"),
    [
        ("tok_ok", 1, ProviderStatus.PAID, "", False),
        ("tok_CLOSED", 1, ProviderStatus.FAILED, "account_closed", False),
        ("tok_invalid", 3, ProviderStatus.FAILED, "invalid_account_number", False),
        ("tok_flaky", 1, ProviderStatus.FAILED, "could_not_process", True),
        ("tok_flaky", 2, ProviderStatus.PAID, "", False),
    ],
)
async def test_sandbox_settles_asynchronously_with_token_chosen_outcomes(
    token: str, attempt: int, status: ProviderStatus, code: str, retryable: bool
) -> None:
    clock = ManualClock()
    sandbox = SandboxProvider(MemorySandboxStore(), clock, settle_seconds=2, return_seconds=5)
    first = await sandbox.submit(request(token, attempt))
    assert first.status is ProviderStatus.PROCESSING
    clock.advance(timedelta(seconds=2))
    settled = await sandbox.status(f"pay_1.{attempt}")
    assert settled is not None
    assert (settled.status, settled.failure_code, settled.retryable) == (status, code, retryable)


async def test_sandbox_repeated_key_returns_the_first_request_and_returns_come_later() -> None:
    clock = ManualClock()
    sandbox = SandboxProvider(MemorySandboxStore(), clock, settle_seconds=1, return_seconds=5)
    await sandbox.submit(request("tok_returned"))
    clock.advance(timedelta(seconds=1))
    again = await sandbox.submit(request("tok_closed"))  # same key, different token
    assert again.status is ProviderStatus.PAID
    clock.advance(timedelta(seconds=5))
    late = await sandbox.status("pay_1.1")
    assert late is not None
    assert (late.status, late.failure_code) == (ProviderStatus.FAILED, "account_closed")
    assert await sandbox.status("pay_1.2") is None


async def test_event_messages_carry_the_snapshot_and_context() -> None:
    w = World()
    payout = await w.approve("eng_01z")
    assert payout is not None
    cause = Cause(Actor("usr_a", "admin", ""), "req-1", "evt_1")
    message = wire.event_message(PayoutEvent(PayoutEventKind.CANCELLED, payout, "why"), cause)
    assert isinstance(message, ev.PayoutCancelled)
    assert (message.reason, message.payout.status) == ("why", pb.PAYOUT_STATUS_ON_HOLD)
    assert (message.context.correlation_id, message.context.causation_id) == ("req-1", "evt_1")
    assert message.payout.platform_fee.amount_minor == 1_000
    published = w.repo.published[0]
    assert published.type == "stint.payouts.v1.PayoutOnHold"
    assert ev.PayoutOnHold.FromString(published.data).payout.version == 1


def next_page(rows: list[str], size: int) -> str:
    """The next-page token of a page of `size` from `rows` read with its limit (size + 1)."""
    page = paging.PageRequest(size)
    return page_response(paging.Page.of(rows[: page.limit], page, str)).next_page_token


def test_page_tokens_round_trip_and_bad_input_is_refused() -> None:
    assert page_of(PageRequest()) == paging.PageRequest(20, "")
    # The kit's one rule: a page size above 100 is refused, no longer clamped to 100.
    with pytest.raises(InvalidArgument) as too_big:
        page_of(PageRequest(page_size=500))
    assert [v.field for v in too_big.value.violations] == ["page.page_size"]
    token = next_page(["pay_abd", "pay_abc", "pay_abb"], 2)
    assert page_of(PageRequest(page_size=2, page_token=token)) == paging.PageRequest(2, "pay_abc")
    assert next_page(["pay_abd", "pay_abc"], 2) == ""  # no row beyond the page: no token
    with pytest.raises(InvalidArgument):
        page_of(PageRequest(page_token="not a token!"))
    with pytest.raises(InvalidArgument):
        page_of(PageRequest(page_size=-1))
    assert wire.status_from_pb(pb.PAYOUT_STATUS_UNSPECIFIED) is None
