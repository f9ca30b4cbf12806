"""The service's own round of "Is this still current?" reminders, every REVIEW_CHECK_MINUTES.

Every replica may run it: each reminder is one row per case study and period (see
`store/reviews.py`), so whichever process sends it first is the only one that does. The first
round waits one interval, so a restart never starts with a burst of mail."""

import logging

from app.services.periodic import Periodic
from app.services.reviews import CurrencyChecks
from app.store.db import Engine

log = logging.getLogger(__name__)


class ReviewSchedule:
    def __init__(self, engine: Engine, service: CurrencyChecks, minutes: float) -> None:
        self.engine, self.service, self.minutes = engine, service, minutes
        failed = "review reminders: this round failed"
        self._rounds = Periodic("review-reminders", minutes * 60, self._round, log, failed)

    def start(self) -> str:
        if self.minutes <= 0:
            return "review reminders: off (REVIEW_CHECK_MINUTES=0)"
        self._rounds.start()
        return f"review reminders: every {self.minutes:g} minutes"

    def stop(self) -> None:
        self._rounds.stop(timeout=30)

    def _round(self) -> None:
        self.service.send_due(self.engine)
