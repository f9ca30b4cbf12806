"""The service's own round of "Is this still current?" reminders, every REVIEW_CHECK_MINUTES.

Every replica may run it: each reminder is one row per case study and period (see
`store/reviews.py`), so whichever process sends it first is the only one that does. The first
round waits one interval, so a restart never starts with a burst of mail."""

import logging
import threading

from app.services.reviews import CurrencyChecks
from app.store.db import Engine

log = logging.getLogger(__name__)


class ReviewSchedule:
    def __init__(self, engine: Engine, service: CurrencyChecks, minutes: float) -> None:
        self.engine, self.service, self.minutes = engine, service, minutes
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="review-reminders", daemon=True)

    def start(self) -> str:
        if self.minutes <= 0:
            return "review reminders: off (REVIEW_CHECK_MINUTES=0)"
        self._thread.start()
        return f"review reminders: every {self.minutes:g} minutes"

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopping.wait(self.minutes * 60):
            try:
                self.service.send_due(self.engine)
            except Exception:  # the store is away; the next round tries again
                log.exception("review reminders: this round failed")
