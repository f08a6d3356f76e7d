"""The representation cache stays within its byte budget, least recently used out first."""

from __future__ import annotations

from fairdepot.services.representation_cache import Representation, RepresentationCache


def _body(size: int) -> Representation:
    return Representation(b"x" * size, "application/json")


def test_the_least_recently_used_entry_goes_when_the_budget_is_exceeded() -> None:
    cache = RepresentationCache(max_bytes=1000)
    for key in ("a", "b", "c"):
        cache.put(key, _body(250))
    assert cache.get("a") is not None  # a is now the most recently used
    cache.put("d", _body(250))
    cache.put("e", _body(250))
    assert cache.get("b") is None
    assert all(cache.get(k) is not None for k in ("a", "c", "d", "e"))
    assert len(cache) == 4


def test_a_representation_over_a_quarter_of_the_budget_is_not_kept() -> None:
    cache = RepresentationCache(max_bytes=1000)
    cache.put("small", _body(100))
    cache.put("huge", _body(251))
    assert cache.get("huge") is None
    assert cache.get("small") is not None


def test_a_budget_of_zero_keeps_nothing() -> None:
    cache = RepresentationCache(max_bytes=0)
    cache.put("a", _body(1))
    assert cache.get("a") is None
    assert len(cache) == 0


def test_replacing_an_entry_counts_its_bytes_once() -> None:
    cache = RepresentationCache(max_bytes=1000)
    for _ in range(10):
        cache.put("a", _body(250))
    cache.put("b", _body(250))
    cache.put("c", _body(250))
    assert all(cache.get(k) is not None for k in ("a", "b", "c"))
