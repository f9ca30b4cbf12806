"""Keep the search index in step with the store: full rebuilds, and catching up from the log."""

import logging
from collections.abc import Callable, Iterator
from typing import Any

from app.core.vocabulary import Vocabulary
from app.search.index import IndexUnavailable, SearchIndex
from app.search.schema import to_document
from app.services.heap import Heap
from app.services.periodic import Periodic
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
    with index.apply_lock:
        return _catch_up(engine, index, vocabulary)


def _catch_up(engine: Engine, index: SearchIndex, vocabulary: Vocabulary) -> int:
    applied = 0
    while True:
        # A session per round: one kept across rounds would hand back the rows it loaded in an
        # earlier round as they were then (its identity map), so a case study withdrawn
        # meanwhile would be indexed again as published.
        with Session(engine) as session:
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


def sync_index(engine: Engine, index: SearchIndex, vocabulary: Vocabulary) -> str:
    """Bring this process's index up to date with the store: apply the changes logged since its
    position and pick up what other processes wrote, or, when the index is missing or damaged
    (its files, its spelling list), rebuild it from the store, which holds every change. One at
    a time per process. Raises only when the store cannot be read."""
    with index.apply_lock:
        if index.exists():
            try:
                applied = _catch_up(engine, index, vocabulary)
                index.refresh()
                return f"index caught up with {applied} changes"
            except IndexUnavailable as damage:  # marked damaged: rebuilt below
                log.warning("index damaged, rebuilding: %s", damage.cause)
        count = rebuild_index(engine, index, vocabulary)
        return f"index rebuilt with {count} case studies"


def ensure_index(engine: Engine, index: SearchIndex, vocabulary: Vocabulary) -> str:
    """Make the index usable at start: rebuilt if missing or damaged, else caught up."""
    outcome = sync_index(engine, index, vocabulary)
    index.warm()  # before serving: the first searches should not each read from disk
    return outcome


class IndexSync:
    """A background thread that applies new changes and picks up index rebuilds every interval,
    and rebuilds the index when it is missing or damaged."""

    def __init__(
        self,
        engine: Engine,
        index: SearchIndex,
        vocabulary: Vocabulary,
        interval: float,
        heap: Heap | None = None,
    ) -> None:
        def sync() -> str:
            outcome = sync_index(engine, index, vocabulary)
            if heap is not None:  # a new view is frozen here, off any request's path
                heap.settle(index)
            return outcome

        self._rounds = Periodic("index-sync", interval, sync, log, "index sync failed")

    def start(self) -> None:
        self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop()
