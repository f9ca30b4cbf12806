"""The byte-bounded cache holds no more memory than its budget, whatever texts it is asked."""

import gc
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.caches import bytes_cache
from app.core.words import WORD
from app.search import analysis


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


def test_the_stem_cache_holds_no_more_than_its_budget() -> None:
    """Stems are kept in functools' LRU, bounded in entries: each entry, for the longest word it
    keeps at four bytes a letter, must cost at most STEM_ENTRY_BYTES, and a longer word is not
    kept at all."""
    analysis._kept_stem.cache_clear()
    count = 2_000
    letters = analysis.STEM_KEPT_CHARS - 4
    longer = [f"{n:04}" + "\U00020000" * (letters + 1) for n in range(100)]
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(count):  # each word made here, so what the cache keeps of it is counted
            assert analysis.stem(f"{n:04}" + "\U00020000" * letters)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
        assert list(analysis.stems(longer)) == [analysis.stem(word) for word in longer]
        gc.collect()
        extra = tracemalloc.get_traced_memory()[0] - before - kept
        # none kept: had even a quarter been, they would cost a quarter of 100 entries; the
        # slack absorbs what the interpreter itself allocates meanwhile (2,170 bytes seen in CI)
        assert extra < len(longer) / 4 * kept / count, f"{extra:,} bytes more after longer words"
    finally:
        tracemalloc.stop()
        analysis._kept_stem.cache_clear()
    assert kept / count <= analysis.STEM_ENTRY_BYTES, f"{kept / count:.0f} bytes an entry"
    assert analysis.STEMS_KEPT * analysis.STEM_ENTRY_BYTES <= analysis.STEM_CACHE_BYTES


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aBcDeFsS'\u2019 İß", max_size=60))
def test_a_text_s_stems_are_each_word_analysed_alone(text: str) -> None:
    """stems() lower-cases ASCII words before it looks them up: the same stems as the analyser
    gives each word as written."""
    words = WORD.findall(text)
    assert list(analysis.stems(words)) == [
        analysis._alone(analysis._ANALYZER, word) for word in words
    ]


def test_warming_keeps_the_commonest_words_stems_and_the_stop_words() -> None:
    """A start reads the stems of the spelling list's commonest words ahead (and the stop
    words'), up to STEMS_WARMED: a snippet then looks them up, as written, without the
    analyser."""
    listed = {f"word{n:05}": 100_000 - n for n in range(analysis.STEMS_WARMED + 500)}
    listed["fostering"] = 1_000_000
    asked = ["Fostering", "the", "And", "word00000", f"word{analysis.STEMS_WARMED - 40:05}"]
    expected = [analysis._alone(analysis._ANALYZER, word) for word in asked]
    analysis._kept_stem.cache_clear()
    try:
        assert analysis.warm_stems(listed) == analysis.STEMS_WARMED
        kept = analysis._kept_stem.cache_info()
        assert kept.currsize == analysis.STEMS_WARMED
        assert list(analysis.stems(asked)) == expected
        assert analysis._kept_stem.cache_info().misses == kept.misses  # all found kept
        analysis.stem(f"word{analysis.STEMS_WARMED + 100:05}")  # too rare to have been warmed
        assert analysis._kept_stem.cache_info().misses == kept.misses + 1
    finally:
        analysis._kept_stem.cache_clear()
