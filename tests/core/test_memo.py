"""The per-process memo: a value per key, made once, the least recently used dropped first."""
from __future__ import annotations

import threading

import pytest

from core.memo import Memo


def test_a_value_is_made_once_per_key_and_the_least_recently_used_goes_first():
    made: list[str] = []
    memo: Memo[str] = Memo(size=2)

    def make(key: str):  # type: ignore[no-untyped-def]
        return lambda: made.append(key) or key.upper()

    assert memo.get("a", make("a")) == "A" and memo.get("a", make("a")) == "A"
    memo.get("b", make("b"))
    memo.get("a", make("a"))  # a is now the most recently used
    memo.get("c", make("c"))  # so b goes
    assert len(memo) == 2
    memo.get("a", make("a"))
    memo.get("b", make("b"))
    assert made == ["a", "b", "c", "b"]


def test_threads_get_the_same_values_and_the_size_holds():
    memo: Memo[int] = Memo(size=50)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for number in range(2000):
                key = (number * 7 + offset) % 120
                assert memo.get(key, lambda key=key: key * 2) == key * 2
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(memo) <= 50


def test_a_memo_holds_at_least_one_value():
    with pytest.raises(ValueError, match="at least one"):
        Memo(size=0)
