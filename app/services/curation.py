"""What moderators curate for search, as every process sees it: the thesaurus with the everyday
phrases they accepted, and the best bets.

Both live in the store. Each process keeps a copy that searches read; a background thread
re-reads it whenever the store's count of curation changes moves, and every search reads that
count with the change log's head and re-reads first if it is behind (caught_up), so a synonym
accepted or a case study pinned on one process applies in all of them from the next search,
without a restart.
"""

import logging
import threading

from app.core.curation import MAX_PINS, BestBet, phrase_words
from app.search.thesaurus import Thesaurus, get_thesaurus
from app.services.periodic import Periodic
from app.store import curation as store
from app.store.db import Engine, Session

log = logging.getLogger(__name__)


class Curation:
    """This process's copy of the accepted synonyms (merged into the thesaurus) and best bets."""

    def __init__(self, base: Thesaurus | None = None) -> None:
        self.base = base or get_thesaurus()
        self.thesaurus = self.base
        self.version = 0  # what searches key their caches on; moves with every re-read
        self._bets: list[BestBet] = []
        self.accepted = 0
        self._seen = -1
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._following: Periodic | None = None

    def pins(self, query: str) -> list[str]:
        """The slugs pinned to a query, in order: exact pins first, then pins whose words the
        query all holds; at most MAX_PINS."""
        text = phrase_words(query)
        if not text:
            return []
        words = set(text.split())
        bets = self._bets
        exact = [b.slug for b in bets if b.match == "exact" and b.query == text]
        within = [b.slug for b in bets if b.match == "words" and set(b.query.split()) <= words]
        return list(dict.fromkeys([*exact, *within]))[:MAX_PINS]

    # -- keeping in step with the store ----------------------------------------------------

    def start(self, engine: Engine, interval: float) -> str:
        self._engine = engine
        self.refresh()
        failed = "reading synonyms and best bets failed"
        self._following = Periodic("curation", interval, self.refresh, log, failed)
        self._following.start()
        return f"{self.accepted} accepted everyday phrases and {len(self._bets)} best bets in use"

    def stop(self) -> None:
        if self._following is not None:
            self._following.stop()

    def refresh(self, session: Session | None = None) -> bool:
        """Re-read synonyms and best bets if the store's version moved; return whether it did.
        In the session given (a search's), else in one of its own."""
        if self._engine is None:
            return False
        with self._lock:
            if session is not None:
                return self._reread(session)
            with Session(self._engine) as own:
                return self._reread(own)

    def caught_up(self, session: Session, seen: int) -> int:
        """The version a search keys its caches on, once this copy holds at least the `seen`
        changes that the search read from the store (changelog.heads): a pin saved or removed
        through another process is then in the very next search here, not a poll later (a
        page without it was served and cached for up to a poll). Re-read in the search's own
        session: a second connection per search could wait on a pool the searches hold."""
        if seen > self._seen:
            self.refresh(session)
        return self.version

    def _reread(self, session: Session) -> bool:
        seen = store.version(session)  # first: a change made while reading moves it again
        if seen == self._seen:
            return False
        accepted = store.list_synonyms(session, "accepted")
        self._bets = store.list_best_bets(session)
        self.accepted = len(accepted)
        self.thesaurus = self.base.with_everyday({s.phrase: s.targets for s in accepted})
        self._seen = seen
        self.version += 1
        return True
