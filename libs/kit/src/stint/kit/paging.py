"""Paging, one rule for every list (design: opaque cursors, never offsets).

A request asks for `page_size` items (1 to `MAX_PAGE_SIZE`; 0 means `DEFAULT_PAGE_SIZE`; any
other value is refused, never clamped) after an opaque `page_token`. A repository reads
``size + 1`` rows in a stable order and `Page.of` keeps `size` of them: the extra row says
whether there is a next page, so a token never leads to an empty page. The token is the
position of the last item returned (the sort key the repository chose, as text) in URL-safe
base64 with a version prefix; a token this service did not make is refused as INVALID_ARGUMENT.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from stint.kit.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
_VERSION = "p1:"
MAX_TOKEN_LENGTH = 1024

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    """A validated request: how many items, and after which position ("" for the first)."""

    size: int = DEFAULT_PAGE_SIZE
    after: str = ""

    @property
    def limit(self) -> int:
        """How many rows to read: one more than the page, to learn whether another follows."""
        return self.size + 1


def page_request(page_size: int, page_token: str, *, field: str = "page") -> PageRequest:
    """Validate a request's size and token; InvalidArgument names ``<field>.page_size`` or
    ``<field>.page_token``."""
    if page_size < 0 or page_size > MAX_PAGE_SIZE:
        raise InvalidArgument.of(
            f"{field}.page_size", f"must be between 1 and {MAX_PAGE_SIZE} (0: {DEFAULT_PAGE_SIZE})"
        )
    return PageRequest(page_size or DEFAULT_PAGE_SIZE, decode_token(page_token, field=field))


def encode_token(position: str) -> str:
    """The opaque token for the page after `position` ("" stays "": no next page)."""
    if not position:
        return ""
    raw = (_VERSION + position).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str, *, field: str = "page") -> str:
    """The position a token names; "" for an empty token."""
    if not token:
        return ""
    problem = InvalidArgument.of(f"{field}.page_token", "is not a token from this list")
    if len(token) > MAX_TOKEN_LENGTH:
        raise problem
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise problem from None
    if not text.startswith(_VERSION) or len(text) == len(_VERSION):
        raise problem
    return text.removeprefix(_VERSION)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items and the token of the next one ("" when this is the last)."""

    items: list[T]
    next_token: str = ""

    @classmethod
    def of(cls, rows: Sequence[T], request: PageRequest, position: Callable[[T], str]) -> Page[T]:
        """The page from `rows` read with ``limit=request.limit`` (in the list's order);
        `position` gives an item's place in that order, as the next request's `after`."""
        items = list(rows[: request.size])
        more = len(rows) > request.size and bool(items)
        return cls(items, encode_token(position(items[-1])) if more else "")
