"""A background thread that does one piece of work every interval until it is stopped: what the
services that follow the store (curation, the embedding list, the index) and the jobs (alerts,
review reminders, query counts) each ran by hand. The first round waits one interval; a round
that fails is logged, in the caller's log, and the next one tries again."""

import logging
import threading
from collections.abc import Callable


class Periodic:
    def __init__(
        self,
        name: str,
        seconds: float,
        work: Callable[[], object],
        log: logging.Logger,
        failed: str,
    ) -> None:
        self.name, self.seconds, self.work = name, seconds, work
        self.log, self.failed = log, failed  # failed: what the log says when a round fails
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Stop after the round in hand (waiting for it at most `timeout` seconds)."""
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            try:
                self.work()
            except Exception:  # keep serving as before; the next round tries again
                self.log.exception(self.failed)
