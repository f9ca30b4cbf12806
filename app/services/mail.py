"""Mail, sent off the request path: a use case queues a message in its own transaction
(`queue`), and a sender thread in every process delivers what is due from the shared outbox,
retrying with a growing delay and giving up after MAIL_ATTEMPTS. Nothing about mail can fail a
request; operators see trouble in the log (never an address) and in /metrics.

A request for a link (a sign-in link, an alerts' manage link) is queued as it was typed
(`request`) whether or not the address has an account or alerts, and the sender prepares it:
the use case's `Prepare` turns it into the link's message or drops it. Asking for a link is then
the same work for every address, so its answer's time tells nobody who has an account."""

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from app.config import Settings
from app.services.mail_transport import Permanent, Transport, scrub, transport_for
from app.services.metrics import Metrics
from app.store import outbox
from app.store.db import Engine, Session
from app.store.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)
_LINK = re.compile(r"https?://\S+")
LONGEST_WAIT = timedelta(hours=6)
PURGE_EVERY = timedelta(hours=1)
REQUEST = outbox.REQUEST
# Turns a request into its message (True, to send) or drops it (False); the sender commits.
Prepare = Callable[[Session, OutboxMessage], bool]


def queue(
    session: Session,
    kind: str,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue a message in the caller's transaction; it is sent once that commits. `headers`
    are added to the message as they are (List-Unsubscribe, say)."""
    outbox.add_message(session, kind, to, subject, body, headers)


def request(session: Session, kind: str, address: str, detail: str = "") -> None:
    """Queue a request for a link to `address` as typed, in the caller's transaction; `kind`
    starts with REQUEST, and `detail` is what the preparer needs besides (a page to go back
    to). Only a sender that has a `Prepare` for the kind claims it."""
    assert kind.startswith(REQUEST)
    outbox.add_message(session, kind, address, "", detail)


def fill(
    session: Session, message: OutboxMessage, kind: str, to: str, subject: str, body: str
) -> None:
    """What a `Prepare` does with a request that is to be sent."""
    outbox.fill(session, message, kind, to, subject, body)


def drop(session: Session, message: OutboxMessage) -> None:
    """What a `Prepare` does with a request that asks for nothing to be sent."""
    outbox.drop(session, message)


@dataclass(frozen=True)
class Policy:
    """How hard to try: attempts in all, and the wait before the first retry (then doubling)."""

    attempts: int = 8
    first_wait: float = 30.0

    def wait(self, attempt: int) -> timedelta:
        return min(timedelta(seconds=self.first_wait * 2 ** (attempt - 1)), LONGEST_WAIT)


class Mailer:
    """Delivers the outbox: `deliver_due()` once (the command line), or `start()` a thread that
    does so every few seconds and at once when `wake()` says something was queued."""

    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        sender: str,
        policy: Policy,
        metrics: Metrics | None = None,
        poll_seconds: float = 5.0,
    ) -> None:
        self.engine, self.transport, self.sender = engine, transport, sender
        self.policy, self.metrics, self.poll_seconds = policy, metrics, poll_seconds
        self._wake = threading.Event()
        self._stopping = False
        self._purged: datetime | None = None
        self.preparers: dict[str, Prepare] = {}
        self._thread = threading.Thread(target=self._run, name="mail-sender", daemon=True)

    @classmethod
    def from_settings(
        cls, engine: Engine, settings: Settings, metrics: Metrics | None = None
    ) -> "Mailer":
        policy = Policy(settings.mail_attempts, settings.mail_retry_seconds)
        transport = transport_for(settings.smtp_url, settings.outbox_dir)
        poll = min(5.0, settings.mail_retry_seconds)
        return cls(engine, transport, settings.mail_from, policy, metrics, poll)

    def start(self) -> None:
        log.info("mail goes to %r", self.transport)
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def wake(self) -> None:
        self._wake.set()

    def prepares(self, kind: str, prepare: Prepare) -> None:
        """Have this sender prepare (and then send) the requests of `kind`."""
        assert kind.startswith(REQUEST)
        self.preparers[kind] = prepare

    def _run(self) -> None:
        while not self._stopping:
            try:
                self.deliver_due()
            except Exception:  # the store is away; the next round tries again
                log.exception("mail: could not read the outbox")
            self._wake.wait(self.poll_seconds)
            self._wake.clear()

    def deliver_due(self) -> list[str]:
        """Send every message that is due and not being sent elsewhere; say where each went."""
        delivered = []
        now = utcnow()
        with Session(self.engine) as session:
            if self._purged is None or now - self._purged >= PURGE_EVERY:
                outbox.purge(session, now)
                self._purged = now
            for message in outbox.claim_due(session, now, requests=list(self.preparers)):
                if message.kind in self.preparers and not self._prepare(session, message):
                    continue
                where = self._deliver(session, message)
                if where is not None:
                    delivered.append(where)
        return delivered

    def _prepare(self, session: Session, message: OutboxMessage) -> bool:
        """Turn a request into its message (True) or drop it (False), committed; a request that
        fails is retried as a message would be."""
        try:
            ready = self.preparers[message.kind](session, message)
            session.commit()
        except Exception as error:  # noqa: BLE001  the store is away; retried
            session.rollback()
            self._failed(session, message, error)
            return False
        return ready

    def _deliver(self, session: Session, message: OutboxMessage) -> str | None:
        assert message.id is not None
        what = f"mail {message.id} ({message.kind})"
        try:
            where = self.transport.deliver(
                self.compose(message), f"{message.id:06d}-{message.kind}"
            )
        except Exception as error:  # noqa: BLE001  any failure is retried or given up on
            self._failed(session, message, error)
            return None
        links = " ".join(_LINK.findall(message.body)) or "none"
        outbox.mark_sent(session, message, utcnow())  # (which forgets the body)
        if self.metrics:
            self.metrics.mail_sent.inc()
        if self.transport.logs_links:
            log.info("%s written to %s; its link: %s", what, where, links)
        else:
            log.info("%s sent through %s", what, where)
        return where

    def _failed(self, session: Session, message: OutboxMessage, error: Exception) -> None:
        reason = scrub(f"{type(error).__name__}: {error}")
        what = f"mail {message.id} ({message.kind}) attempt {message.attempts}"
        if self.metrics:
            self.metrics.mail_failures.inc()
        if isinstance(error, Permanent) or message.attempts >= self.policy.attempts:
            outbox.mark_failed(session, message, utcnow(), reason)
            if self.metrics:
                self.metrics.mail_given_up.inc()
            log.error("%s failed; given up: %s", what, reason)
            return
        wait = self.policy.wait(message.attempts)
        outbox.mark_retry(session, message, utcnow() + wait, reason)
        log.warning(
            "%s of %d failed, next in %d s: %s",
            what,
            self.policy.attempts,
            wait.total_seconds(),
            reason,
        )

    def compose(self, message: OutboxMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        # One line: a subject names what people typed (a title pasted with a line break), and a
        # header holding a line break is refused at every attempt, so it would never be sent.
        mail["Subject"] = " ".join(message.subject.split())
        mail["Date"] = format_datetime(_aware(message.created_at))
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        mail["Message-ID"] = make_msgid(f"outbox-{message.id}", domain=domain)
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
        for name, value in (message.headers or {}).items():
            mail[name] = value
        # Plain ASCII stays readable in the .eml and in any client; anything else is encoded.
        mail.set_content(message.body, cte="7bit" if message.body.isascii() else "quoted-printable")
        return mail


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=utcnow().tzinfo)
