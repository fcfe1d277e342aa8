"""LRU: the bounded memory the object running the jobs keeps."""

from __future__ import annotations

import pytest

from app.memory import LRU


def test_oldest_entry_goes_when_full():
    memory = LRU[str, int](2)
    for number, key in enumerate("abc"):
        memory.put(key, number)
    assert (len(memory), memory.get("a"), memory.get("b"), memory.get("c")) == (2, None, 1, 2)


def test_reading_an_entry_makes_it_the_newest():
    memory = LRU[str, int](2)
    memory.put("a", 1)
    memory.put("b", 2)
    assert memory.get("a") == 1
    memory.put("c", 3)
    assert ("a" in memory, "b" in memory, "c" in memory) == (True, False, True)


def test_writing_an_entry_again_replaces_it():
    memory = LRU[str, int](2)
    memory.put("a", 1)
    memory.put("a", 2)
    assert (len(memory), memory.get("a")) == (1, 2)


def test_discard_forgets_and_ignores_the_unknown():
    memory = LRU[str, int](2)
    memory.put("a", 1)
    memory.discard("a")
    memory.discard("never")
    assert len(memory) == 0


def test_holds_at_least_one_entry():
    with pytest.raises(ValueError, match="at least one"):
        LRU[str, int](0)
