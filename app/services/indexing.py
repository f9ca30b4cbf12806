"""Keep the search index in step with the store: full rebuilds, and catching up from the log."""

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

from app.core.vocabulary import Vocabulary
from app.search.index import SearchIndex
from app.search.schema import to_document
from app.store import case_studies as store
from app.store import changelog
from app.store.db import Engine, Session

log = logging.getLogger(__name__)


def published_documents(session: Session, vocabulary: Vocabulary) -> Iterator[dict[str, Any]]:
    for case_study in store.iter_published(session):
        yield to_document(store.to_file(case_study), vocabulary, case_study.content_hash)


def rebuild_index(
    engine: Engine,
    index: SearchIndex,
    vocabulary: Vocabulary,
    progress: Callable[[], None] | None = None,
) -> int:
    """Rebuild the index from published case studies; return how many were indexed."""
    with Session(engine) as session:
        # Read the log position first: a change made while we read is applied again later.
        change_id = changelog.last_change_id(session)
        expected = store.count_case_studies(session, published_only=True)
        documents = published_documents(session, vocabulary)
        return index.rebuild(documents, change_id, progress, expected=expected)


def catch_up(engine: Engine, index: SearchIndex, vocabulary: Vocabulary) -> int:
    """Apply every change logged since the index's position; return how many were applied."""
    applied = 0
    with index.apply_lock, Session(engine) as session:
        while True:
            changes = changelog.changed_since(session, index.applied_change_id())
            if not changes:
                return applied
            slugs = list(dict.fromkeys(c.slug for c in changes))
            published = {cs.slug: cs for cs in store.list_published_by_slug(session, slugs)}
            documents = [
                to_document(store.to_file(published[s]), vocabulary, published[s].content_hash)
                for s in slugs
                if s in published
            ]
            removed = [s for s in slugs if s not in published]
            last_id = changes[-1].id
            assert last_id is not None
            index.apply(documents, removed, last_id)
            applied += len(changes)


def ensure_index(engine: Engine, index: SearchIndex, vocabulary: Vocabulary) -> str:
    """Make the index usable at start: rebuild it if missing or damaged, else catch up."""
    if not index.exists():
        count = rebuild_index(engine, index, vocabulary)
        return f"index rebuilt with {count} case studies"
    applied = catch_up(engine, index, vocabulary)
    index.warm()  # before serving: the first searches should not each read from disk
    return f"index caught up with {applied} changes"


class IndexSync:
    """A background thread that applies new changes and picks up index rebuilds every interval."""

    def __init__(
        self, engine: Engine, index: SearchIndex, vocabulary: Vocabulary, interval: float
    ) -> None:
        self._args = (engine, index, vocabulary)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        engine, index, vocabulary = self._args
        while not self._stop.wait(self._interval):
            try:
                if not index.exists():
                    rebuild_index(engine, index, vocabulary)
                catch_up(engine, index, vocabulary)
                index.refresh()
            except Exception:  # keep serving; the next round tries again
                log.exception("index sync failed")
