"""Prefixed, time-ordered ids: prefix rules, format, ordering, uniqueness, suffix."""

from __future__ import annotations

import random
import time

import pytest

from stint.kit.ids import is_id, new_id, suffix

CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
MAX_MS = 2**48 - 1  # the ULID layout's 48-bit millisecond field


def timestamp_ms(value: str) -> int:
    """The milliseconds encoded in an id's first 10 suffix characters (ULID layout)."""
    ms = 0
    for char in suffix(value)[:10]:
        ms = ms * 32 + CROCKFORD.index(char)
    return ms


@pytest.mark.parametrize("prefix", ["ab", "pst", "app", "whe", "evt", "abcde"])
def test_valid_prefixes(prefix: str) -> None:
    value = new_id(prefix)

    assert value.startswith(prefix + "_")
    assert is_id(value, prefix)


@pytest.mark.parametrize(
    "prefix",
    ["", "a", "abcdef", "Pst", "PST", "ps1", "ps_", "pst_", " pst", "pst ", "pé", "p-s", "pst\n"],
)
def test_invalid_prefixes_are_rejected(prefix: str) -> None:
    with pytest.raises(ValueError, match="prefix"):
        new_id(prefix)


@pytest.mark.parametrize("now_ms", [-1, -(2**50), MAX_MS + 1, 2**60])
def test_timestamps_outside_the_48_bit_field_are_rejected(now_ms: int) -> None:
    """They would wrap around or go negative and break the time order silently."""
    with pytest.raises(ValueError, match="now_ms"):
        new_id("pst", now_ms=now_ms)


def test_is_id_accepts_a_well_formed_value() -> None:
    assert len(BODY) == 26
    assert is_id(f"pst_{BODY}")
    assert is_id(f"pst_{BODY}", "pst")


def test_format() -> None:
    value = new_id("pst")
    prefix, _, body = value.partition("_")

    assert prefix == "pst"
    assert len(body) == 26
    assert set(body) <= set(CROCKFORD)
    assert is_id(value)


BODY = "01jd3k0000000000000000000a"  # 26 characters


@pytest.mark.parametrize(
    "value",
    [
        "",
        "pst",
        "pst_",
        BODY,
        f"pst_{BODY[:-1]}",  # 25 characters
        f"pst_{BODY}0",  # 27 characters
        f"pst_{BODY.upper()}",
        *(f"pst_{BODY[:-1]}{c}" for c in "ilou"),  # not in Crockford's alphabet
        f"PST_{BODY}",
        f"p_{BODY}",
        f"abcdef_{BODY}",
        f"pst-{BODY}",
        f"pst__{BODY[1:]}",
        f" pst_{BODY}",
        f"pst_{BODY} ",
        f"pst_{BODY}\n",
    ],
)
def test_is_id_rejects_malformed_values(value: str) -> None:
    assert not is_id(value)


def test_is_id_checks_the_prefix_when_given() -> None:
    value = new_id("pst")

    assert is_id(value, "pst")
    assert not is_id(value, "app")
    assert not is_id(value, "ps")  # a prefix of the prefix is not the prefix
    assert not is_id(new_id("ps"), "pst")


def test_encodes_milliseconds_like_a_ulid() -> None:
    for now_ms in (0, 1, 31, 32, 1_767_225_600_000, MAX_MS):
        value = new_id("evt", now_ms=now_ms)

        assert is_id(value, "evt")
        assert timestamp_ms(value) == now_ms


def test_default_time_is_now() -> None:
    before = time.time_ns() // 1_000_000
    value = new_id("evt")
    after = time.time_ns() // 1_000_000

    assert before <= timestamp_ms(value) <= after


def test_ids_sort_by_creation_time() -> None:
    rng = random.Random(42)
    times = [0, 1, 2, 31, 32, 33, 1023, 1024, *sorted(rng.sample(range(1025, MAX_MS), 2000))]
    times.append(MAX_MS)

    ids = [new_id("pst", now_ms=ms) for ms in times]

    assert sorted(ids) == ids
    assert len(set(ids)) == len(ids)


def test_one_millisecond_apart_still_sorts() -> None:
    base = 1_767_225_600_000
    for _ in range(200):  # the random part must never outweigh the time part
        earlier = new_id("pst", now_ms=base)
        later = new_id("pst", now_ms=base + 1)
        assert earlier < later


def test_same_millisecond_shares_the_time_part_only() -> None:
    first, second = new_id("pst", now_ms=1_000), new_id("pst", now_ms=1_000)

    assert suffix(first)[:10] == suffix(second)[:10]
    assert suffix(first)[10:] != suffix(second)[10:]


def test_ten_thousand_ids_are_unique() -> None:
    ids = [new_id("evt") for _ in range(10_000)]

    assert len(set(ids)) == 10_000


def test_ten_thousand_ids_in_one_millisecond_are_unique() -> None:
    ids = {new_id("evt", now_ms=1_767_225_600_000) for _ in range(10_000)}

    assert len(ids) == 10_000


def test_suffix() -> None:
    application = new_id("app")
    engagement = f"eng_{suffix(application)}"

    assert suffix("app_X") == "X"
    assert suffix("eng_a_b") == "a_b"  # only the first underscore separates the prefix
    assert len(suffix(application)) == 26
    assert is_id(engagement, "eng")
    assert suffix(engagement) == suffix(application)
    assert timestamp_ms(engagement) == timestamp_ms(application)


def test_created_ms_reads_the_time_of_an_id() -> None:
    from stint.kit.ids import created_ms

    for ms in (0, 1_700_000_000_123, MAX_MS):
        assert created_ms(new_id("pst", now_ms=ms)) == ms
    with pytest.raises(ValueError, match="not an id"):
        created_ms("pst_nope")
