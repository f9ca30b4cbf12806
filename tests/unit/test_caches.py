"""The byte-bounded cache holds no more memory than its budget, whatever texts it is asked."""

import gc
import tracemalloc

import pytest

from app.core.caches import bytes_cache


def kept_after(calls: list[str], budget: int) -> int:
    """Bytes a fresh cache of budget still holds after each text was asked once."""

    @bytes_cache(budget)
    def echo(text: str) -> tuple[str, str]:
        return text.upper(), text[::-1]  # a value bigger than its key

    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for text in calls:
            echo(text)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("length", "letter"),
    [(3, "a"), (40, "a"), (1000, "a"), (1000, "\U00020000")],  # short, long, 4-byte letters
)
def test_a_cache_holds_no_more_than_its_budget(length: int, letter: str) -> None:
    budget = 50_000
    count = 2_000  # all different, and together worth many budgets
    texts = [f"{n:08}{letter * length}" for n in range(count)]
    kept = kept_after(texts, budget)
    assert kept <= budget, f"{kept:,} bytes kept for {count:,} texts of {length} letters"


def test_a_cache_answers_as_its_function_does_and_keeps_what_fits() -> None:
    calls: list[str] = []

    @bytes_cache(10_000)
    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert [shout("a"), shout("a"), shout("b")] == ["A", "A", "B"]
    assert calls == ["a", "b"]
    shout("x" * 20_000)  # alone over the budget: answered, not kept, nothing else pushed out
    shout("x" * 20_000)
    shout("a")
    assert calls == ["a", "b", "x" * 20_000, "x" * 20_000]
