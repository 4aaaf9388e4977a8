"""Prefixed, time-ordered identifiers (ULID layout: 48-bit milliseconds + 80 random bits).

Ids sort by creation time, which gives list endpoints a stable, index-friendly order.
"""

from __future__ import annotations

import os
import re
import time

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32, lower case
_PREFIX = re.compile(r"^[a-z]{2,5}$")
_ID = re.compile(r"^[a-z]{2,5}_[0-9a-hjkmnp-tv-z]{26}$")


def new_id(prefix: str, *, now_ms: int | None = None) -> str:
    """A new id such as ``pst_01jd3k…``; `prefix` is 2-5 lower-case letters."""
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"bad id prefix: {prefix!r}")
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    if not 0 <= ms < 1 << 48:  # would wrap or go negative and silently break the time order
        raise ValueError(f"now_ms out of the 48-bit range: {ms}")
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return f"{prefix}_{''.join(reversed(chars))}"


def is_id(value: str, prefix: str | None = None) -> bool:
    """Whether `value` looks like an id made by `new_id` (with that prefix, when given)."""
    if not _ID.fullmatch(value):  # not match: "$" also matches before a trailing newline
        return False
    return prefix is None or value.startswith(prefix + "_")


def created_ms(value: str) -> int:
    """The creation time (Unix milliseconds) an id made by `new_id` carries; raises
    ValueError for anything else."""
    if not is_id(value):
        raise ValueError(f"not an id: {value!r}")
    number = 0
    for char in suffix(value)[:10]:  # 10 base32 characters = the 48-bit (+2) time prefix
        number = number * 32 + _ALPHABET.index(char)
    return number


def suffix(value: str) -> str:
    """The part after the prefix: ``eng_X`` and ``pay_X`` share the suffix of ``app_X``."""
    return value.split("_", 1)[1]
