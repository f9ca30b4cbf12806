"""The alert job: email each confirmed alert the case studies first published since its last
email that its search finds (nothing new, no email).

One process at a time across every replica runs it, by a lease in the store; the service runs
it every ALERT_SEND_SECONDS (unless 0) and `python -m indexer alerts send` runs it once. Each
alert's email is queued in the outbox in the same transaction that writes its ledger row and
moves the alert on (only if no one else moved it first), so a run that dies part-way neither
loses nor repeats an email: what was committed is sent by the outbox, and the next run picks up
the alerts it had not reached. The outbox then delivers (at least once: a process killed between
the mail server's answer and marking it sent sends that one message again).

Under the same lease it deletes alerts that lapsed (services/alert_keeping.py) and sends the one
"Keep this alert?" reminder to an alert near its lapse that had nothing to send in that time.
"""

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.failpoints import failpoint
from app.core.vocabulary import Vocabulary
from app.search.index import SearchIndex
from app.services import alert_letters, alert_words, mail
from app.services.alert_letters import Keep, Listed
from app.services.alerts import (
    JOB,
    KEEP_PATH,
    MANAGE_PATH,
    UNCONFIRMED_KEPT,
    UNSUBSCRIBE_PATH,
    AlertService,
    search_of,
    search_path,
)
from app.services.indexing import catch_up
from app.services.periodic import Periodic
from app.services.search import SearchService
from app.store import alerts, leases, publications
from app.store import case_studies as store
from app.store.alert_tables import Alert
from app.store.db import Engine, Session
from app.store.models import CaseStudy, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Run:
    """What one run did: whether it held the lease, alerts checked, emails queued."""

    ran: bool
    checked: int = 0
    emailed: int = 0
    reminded: int = 0
    lapsed: int = 0


def start_job(session: Session) -> None:
    """Make the job's row if there is none, taking what is published now as old (not
    committed). Whoever makes the first alert or the first run does it, once."""
    if leases.ensure_job(session, JOB):
        leases.move_job(session, JOB, None, publications.start_from_now(session))


class AlertSender:
    def __init__(
        self,
        engine: Engine,
        index: SearchIndex,
        vocabulary: Vocabulary,
        search: SearchService,
        service: AlertService,
        interval: float = 60.0,
        lease_seconds: float = 60.0,
    ) -> None:
        self.engine, self.index, self.vocabulary = engine, index, vocabulary
        self.search, self.service, self.interval = search, service, interval
        # Renewed before each alert, so it need only be longer than one alert takes.
        self.lease = timedelta(seconds=lease_seconds)
        self.holder = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        failed = "alerts: the run failed"
        self._rounds = Periodic("alert-sender", interval, self.run_once, log, failed)

    def start(self) -> None:
        self._rounds.start()

    def stop(self) -> None:
        self._rounds.stop(timeout=30)

    def run_once(self) -> Run:
        """Check every alert that is due, if this process can take the lease."""
        with Session(self.engine) as session:
            now = utcnow()
            purged = alerts.purge_unconfirmed(session, now - UNCONFIRMED_KEPT)
            if purged:
                log.info("alerts: %d unconfirmed requests deleted", purged)
            start_job(session)
            session.commit()
            job = leases.take_lease(session, JOB, self.holder, now, self.lease)
            if job is None:
                return Run(ran=False)
            try:
                return self._check(session, job.position)
            finally:
                leases.release_lease(session, JOB, self.holder)

    def _check(self, session: Session, position: int) -> Run:
        lapsed = self._lapse(session)
        catch_up(self.engine, self.index, self.vocabulary)
        applied = self.index.applied_change_id()
        if applied > position:
            publications.note_publications(session, position, applied)
            leases.move_job(session, JOB, self.holder, applied)
            session.commit()
        # Alerts move on only as far as this process's index holds: a case study it cannot
        # find yet must stay new for the next run (perhaps another process's).
        ready = applied
        checked = emailed = 0
        for alert_id in alerts.due_alerts(session, utcnow(), ready):
            if leases.take_lease(session, JOB, self.holder, utcnow(), self.lease) is None:
                break  # the lease lapsed and another process has it: leave the rest to it
            alert = alerts.find_alert(session, alert_id)
            if alert is None:
                continue
            checked += 1
            emailed += self._one(session, alert, ready)
        reminded = self._remind(session)
        log.info(
            "alerts: %d checked, %d emailed, %d reminded to keep, %d lapsed",
            *(checked, emailed, reminded, lapsed),
        )
        return Run(True, checked, emailed, reminded, lapsed)

    def _lapse(self, session: Session) -> int:
        """Delete the alerts nobody kept (and with an address's last, its alert mail)."""
        now, keeping = utcnow(), self.service.keeping
        lapsed = 0
        for alert in alerts.confirmed_before(session, keeping.earliest(now)):
            if keeping.lapsed(alert.confirmed_at, now):
                lapsed += alerts.delete_lapsed(session, alert)
        return lapsed

    def _remind(self, session: Session) -> int:
        """One "Keep this alert?" email to each alert in its notice that was sent nothing in it."""
        keeping, reminded = self.service.keeping, 0
        for alert in alerts.confirmed_before(session, keeping.earliest(utcnow())):
            now = utcnow()
            if alert.confirmed_at is None or not keeping.in_notice(alert.confirmed_at, now):
                continue
            if leases.take_lease(session, JOB, self.holder, now, self.lease) is None:
                break
            since = keeping.notice_from(alert.confirmed_at)
            if not alerts.note_reminder(session, alert, since, now):
                continue  # it was emailed (with the link) in its notice, or was just kept
            self._queue(session, alert, [], now)
            session.commit()
            self.service.wake()
            reminded += 1
        return reminded

    def _one(self, session: Session, alert: Alert, ready: int) -> int:
        """Email one alert what is new for it, or only move it on; 1 if an email was queued."""
        found = self._new_for(session, alert, ready)
        if not alerts.move_alert(session, alert, ready, utcnow(), [cs.slug for cs in found]):
            return 0  # another process got to it first
        if found:
            self._queue(session, alert, found, utcnow())
        session.commit()
        failpoint("alert-recorded")  # the email is queued and recorded; the next not yet
        if found:
            self.service.wake()
        return 1 if found else 0

    def _new_for(self, session: Session, alert: Alert, ready: int) -> list[CaseStudy]:
        new = set(publications.published_between(session, alert.last_change_id, ready))
        if not new:
            return []
        limit = max(1, store.count_case_studies(session, published_only=True))
        matching = self.search.matching(session, search_of(alert), limit)
        return [cs for cs in matching if cs.slug in new]

    def _keep(self, session: Session, alert: Alert, now: datetime) -> Keep | None:
        """The keep link, for an alert in its notice."""
        confirmed, keeping = alert.confirmed_at, self.service.keeping
        if confirmed is None or not keeping.in_notice(confirmed, now) or alert.id is None:
            return None
        url = self.service.alert_link(session, KEEP_PATH, "keep", alert)
        return Keep(url, keeping.lapses_at(confirmed).date())

    def _queue(self, session: Session, alert: Alert, found: list[CaseStudy], now: datetime) -> None:
        """Queue an alert's email: what is new, or (nothing found) the keep reminder."""
        assert alert.id is not None
        base = self.service.base
        view = self.service.view(alert)
        unsubscribe = self.service.alert_link(session, UNSUBSCRIBE_PATH, "unsubscribe", alert)
        manage = self.service.link(session, MANAGE_PATH, "manage", alert.address_key)
        listed = [Listed(cs.title, cs.council, f"{base}/case-studies/{cs.slug}") for cs in found]
        keep, search_url = self._keep(session, alert, now), base + search_path(search_of(alert))
        if found:
            search, vocabulary = search_of(alert), self.service.vocabulary
            summary = alert_words.summary(len(found), search, vocabulary)
            subject, body = alert_letters.digest(
                alert_words.subject(len(found), search, vocabulary),
                summary,
                alert.frequency,
                listed,
                search_url,
                unsubscribe,
                manage,
                keep,
            )
        else:
            assert keep is not None
            subject, body = alert_letters.keep_reminder(
                view.words, search_url, keep, unsubscribe, manage
            )
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058
        }
        mail.queue(session, "alert", alert.email, subject, body, headers)
