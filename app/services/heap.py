"""Keeps the search index's long-lived objects out of Python's full garbage collections.

A full collection walks every container the process holds. With 100,000 case studies the
index's view is most of them, and a full pass took 120–150 ms, paid by whichever search was
running: one of the bench's 60 first-time searches at 100k, each run (docs/benchmarks.md,
1 December). `gc.freeze()` moves what exists to a generation the collector never walks, so each
new view (at a start, after a publish or a rebuild) is collected once and frozen. The last
view's objects are unfrozen first, so what it left in cycles is freed then: at most one view's
cycles wait. Below `FREEZE_MIN_DOCS` a full pass is short, and tests open many small indexes.
"""

import gc
import logging
import threading
import time

from app.search.index import IndexUnavailable, SearchIndex

log = logging.getLogger(__name__)

FREEZE_MIN_DOCS = 20_000


class Heap:
    """One per process that serves: `settle(index)` after the index may have changed."""

    def __init__(self, min_docs: int = FREEZE_MIN_DOCS) -> None:
        self.min_docs = min_docs
        self._settled: int | None = None  # the index version last frozen
        self._lock = threading.Lock()

    def settle(self, index: SearchIndex) -> bool:
        """Collect and freeze once per new view of a large index; whether it did."""
        with self._lock:
            try:
                version = index.current_version()
                if version == self._settled or index.doc_count() < self.min_docs:
                    return False
            except IndexUnavailable:  # no view to freeze: the sync thread rebuilds it
                return False
            started = time.perf_counter()
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._settled = version
            log.info(
                "froze %d objects of the index's view in %.0f ms",
                gc.get_freeze_count(),
                (time.perf_counter() - started) * 1000,
            )
            return True

    def release(self) -> None:
        """Hand every frozen object back to the collector (at shutdown)."""
        with self._lock:
            gc.unfreeze()
            self._settled = None
