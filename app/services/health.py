"""Whether this process can serve: the store answers and the index keeps up with the change log."""

import time
from dataclasses import dataclass
from typing import Any

from app.search.index import SearchIndex
from app.store import changelog
from app.store.db import Engine, Session, ping

READY_LAG_SECONDS = 10.0  # a change may wait this long for the index before we are not ready


@dataclass(frozen=True)
class IndexState:
    applied: int
    latest: int
    lag: int
    lag_seconds: float
    documents: int


def index_state(engine: Engine, index: SearchIndex) -> IndexState:
    applied = index.applied_change_id()
    with Session(engine) as session:
        latest = changelog.last_change_id(session)
        lag, oldest = changelog.pending(session, applied)
    waited = max(0.0, time.time() - oldest.timestamp()) if oldest is not None else 0.0
    return IndexState(applied, latest, lag, waited, index.doc_count())


def readiness(engine: Engine, index: SearchIndex) -> tuple[bool, dict[str, Any]]:
    """Ready when the store answers and the index holds every change older than a few seconds."""
    try:
        ping(engine)
    except Exception as error:
        return False, {"store": f"unreachable: {type(error).__name__}"}
    if not index.exists():
        return False, {"store": "ok", "index": "missing or unreadable; rebuilding"}
    state = index_state(engine, index)
    report = {
        "store": "ok",
        "index": {
            "applied_change": state.applied,
            "latest_change": state.latest,
            "pending_changes": state.lag,
            "oldest_pending_seconds": round(state.lag_seconds, 3),
            "documents": state.documents,
        },
    }
    return state.lag == 0 or state.lag_seconds < READY_LAG_SECONDS, report
