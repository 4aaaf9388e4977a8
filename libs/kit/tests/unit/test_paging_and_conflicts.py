"""The kit's one paging rule and its one conflict retry."""

from __future__ import annotations

import pytest

from stint.kit.conflicts import retry_on_conflict
from stint.kit.errors import ConcurrencyConflict, InvalidArgument
from stint.kit.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Page,
    PageRequest,
    decode_token,
    encode_token,
    page_request,
)


def test_zero_is_the_default_size_and_the_bounds_are_refused_not_clamped() -> None:
    assert page_request(0, "") == PageRequest(DEFAULT_PAGE_SIZE, "")
    assert page_request(MAX_PAGE_SIZE, "").size == MAX_PAGE_SIZE
    for size in (-1, MAX_PAGE_SIZE + 1):
        with pytest.raises(InvalidArgument) as refused:
            page_request(size, "")
        assert [v.field for v in refused.value.violations] == ["page.page_size"]


@pytest.mark.parametrize("position", ["pst_1", "2026-01-01T00:00:00Z|pst_2", "ünï|cödé"])
def test_a_token_round_trips_its_position(position: str) -> None:
    token = encode_token(position)
    assert not set("=/+") & set(token)  # URL-safe as it is
    assert decode_token(token) == position
    assert page_request(5, token) == PageRequest(5, position)


@pytest.mark.parametrize(
    "token", ["not base64 !", "cHN0XzE", encode_token("x")[:-1] + "!", "A" * 2000, "cDE6"]
)
def test_a_token_this_service_did_not_make_is_refused(token: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        page_request(10, token, field="query.page")
    assert [v.field for v in refused.value.violations] == ["query.page.page_token"]


def test_a_page_has_a_next_token_only_when_a_row_beyond_it_was_read() -> None:
    request = PageRequest(size=2)
    full = Page.of(["a", "b", "c"], request, position=str)  # read with limit 3
    assert full.items == ["a", "b"]
    assert decode_token(full.next_token) == "b"
    last = Page.of(["a", "b"], request, position=str)
    assert (last.items, last.next_token) == (["a", "b"], "")
    assert Page.of([], request, position=str) == Page([], "")
    assert request.limit == 3


async def test_conflicts_are_retried_from_the_load_and_the_last_one_goes_to_the_caller() -> None:
    calls: list[int] = []

    async def twice_conflicting() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConcurrencyConflict("moved")
        return "saved"

    assert await retry_on_conflict(twice_conflicting) == "saved"
    assert len(calls) == 3

    async def always() -> str:
        calls.append(1)
        raise ConcurrencyConflict("moved")

    calls.clear()
    with pytest.raises(ConcurrencyConflict):
        await retry_on_conflict(always, attempts=4)
    assert len(calls) == 4


async def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    async def broken() -> None:
        calls.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        await retry_on_conflict(broken)
    assert calls == [1]
