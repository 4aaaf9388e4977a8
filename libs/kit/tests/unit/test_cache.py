"""The read cache: fresh entries hit, expired and forgotten ones miss, the bound holds."""

from __future__ import annotations

from stint.kit.cache import TtlCache


def test_entries_expire_after_the_ttl_and_forget_drops_them_at_once() -> None:
    now = [100.0]
    cache: TtlCache[str, int] = TtlCache(5.0, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == (True, 1)
    cache.forget("a")
    assert cache.get("a") == (False, None)
    now[0] += 5.0
    assert cache.get("b") == (False, None)


def test_the_oldest_entries_go_first_past_the_bound() -> None:
    cache: TtlCache[int, int] = TtlCache(60.0, max_entries=2)
    for n in range(3):
        cache.put(n, n)
    assert cache.get(0) == (False, None)
    assert cache.get(1) == (True, 1)
    assert cache.get(2) == (True, 2)


def test_an_empty_value_is_cached_too() -> None:
    cache: TtlCache[str, list[int]] = TtlCache(60.0)
    cache.put("nobody", [])
    assert cache.get("nobody") == (True, [])
