"""BM25F with one idf per word across the text fields, as BM25F is defined.

Whoosh takes each field's own document frequency, so a word common in bodies but rare in titles
outranks a rarer word typed beside it (docs/benchmarks.md has the figures). The ranker takes its
idf from here, so it and Whoosh's collector agree.
"""

from math import log
from typing import Any

from whoosh.scoring import BM25F

from app.search.schema import TEXT_FIELDS

MAX_CACHED = 65_536


class SharedIdf(BM25F):  # type: ignore[misc]
    """One per searcher: it remembers each word's document count for that searcher."""

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[Any, int] = {}

    def idf(self, searcher: Any, fieldname: str, text: Any) -> float:
        parent = searcher.get_parent()
        if fieldname not in TEXT_FIELDS:
            return float(super().idf(searcher, fieldname, text))
        count = self._counts.get(text)
        if count is None:
            count = max(parent.doc_frequency(name, text) for name in TEXT_FIELDS)
            if len(self._counts) >= MAX_CACHED:
                self._counts.clear()
            self._counts[text] = count
        return log(parent.doc_count_all() / (count + 1)) + 1
