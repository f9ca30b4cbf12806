"""The websites allowed to embed the service, as every process sees them, and the use cases that
change the list (moderators and admins only).

The list lives in the store. Each process keeps a copy that CORS and the embed page's
frame-ancestors read on every request; a background thread re-reads it whenever the store's
change count moves, so an origin a moderator adds on one process is allowed by all of them
within a poll interval, without a restart. The process that made the change re-reads at once.
"""

import logging
import threading
from collections.abc import Iterable

from app.core.curation import checked_note
from app.core.errors import Forbidden
from app.core.origins import AllowedOrigin, parse_origin
from app.core.principals import Principal
from app.services.periodic import Periodic
from app.store import embed_origins as store
from app.store.db import Engine, Session
from app.store.standing import still_acting

log = logging.getLogger(__name__)
SEED_ACTOR = "settings (EMBED_ORIGINS, CORS_ORIGINS)"


class EmbedOrigins:
    """The allowed origins of this process: a set read on every request, kept in step with the
    store by polling."""

    def __init__(self, seed: Iterable[str] = (), cors_all: bool = False, frame_all: bool = False):
        self._seed = [parse_origin(origin, "#/settings") for origin in seed]
        self._origins: frozenset[str] = frozenset(self._seed)  # until the store is read
        self._version = -1
        self.cors_all = cors_all  # CORS_ORIGINS=* : every site may call the API
        self.frame_all = frame_all  # EMBED_ORIGINS=* : every site may frame /embed
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._following: Periodic | None = None

    # -- what requests read ---------------------------------------------------------------

    def allows(self, origin: str) -> bool:
        """May a page on this origin call the API from the browser?"""
        return self.cors_all or origin in self._origins

    def frame_ancestors(self) -> list[str]:
        """The origins that may show /embed in a frame, for its CSP."""
        return ["*"] if self.frame_all else sorted(self._origins)

    # -- keeping in step with the store ----------------------------------------------------

    def start(self, engine: Engine, interval: float) -> str:
        """Seed the store from the settings, read the list, and follow it; return what was
        done, for the log."""
        self._engine = engine
        with Session(engine) as session:
            seeded = store.seed_origins(session, self._seed, SEED_ACTOR)
        self.refresh()
        failed = "reading the allowed websites failed"
        self._following = Periodic("embed-origins", interval, self.refresh, log, failed)
        self._following.start()
        added = f", {len(seeded)} added from the settings" if seeded else ""
        return f"{len(self._origins)} websites may embed the service{added}"

    def stop(self) -> None:
        if self._following is not None:
            self._following.stop()

    def refresh(self) -> bool:
        """Re-read the list if the store's version moved; return whether it did."""
        if self._engine is None:
            return False
        with self._lock, Session(self._engine) as session:
            # The version first: a change committed while the list is read moves it again.
            version = store.version(session)
            if version == self._version:
                return False
            self._origins = frozenset(o.origin for o in store.list_origins(session))
            self._version = version
            return True

    # -- the use cases -----------------------------------------------------------------

    def list_origins(self, session: Session, principal: Principal) -> list[AllowedOrigin]:
        _moderator(principal)
        return store.list_origins(session)

    def add_origin(
        self, session: Session, principal: Principal, origin: str, note: str | None
    ) -> AllowedOrigin:
        """Allow a website; raises Invalid (not an origin) or Conflict (already allowed)."""
        _moderator(principal)
        origin = parse_origin(origin)
        still_acting(session, principal)
        added = store.add_origin(session, origin, principal.name, checked_note(note))
        self.refresh()
        log.info("embedding allowed for %s by %s", added.origin, principal.name)
        return added

    def remove_origin(
        self, session: Session, principal: Principal, origin_id: int
    ) -> AllowedOrigin:
        """Stop a website embedding; raises NotFound for an unknown id."""
        _moderator(principal)
        still_acting(session, principal)
        removed = store.remove_origin(session, origin_id, principal.name)
        self.refresh()
        log.info("embedding stopped for %s by %s", removed.origin, principal.name)
        return removed


def _moderator(principal: Principal) -> None:
    if not principal.moderates:
        raise Forbidden("Only moderators and admins manage the websites allowed to embed.")
