"""Email alerts for a search: ask for one (double opt-in: nothing is sent until the emailed
link is followed), confirm it, see an address's alerts and stop them, with no account.

An address is kept only for its alerts: an unconfirmed request goes after UNCONFIRMED_KEPT, an
alert goes the moment it is unsubscribed or ALERT_KEEP_MONTHS after it was confirmed or last kept
(services/alert_keeping.py), and with an address's last alert go the alert emails still held for
it. Addresses never reach the logs: links carry signed ids, not addresses.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from app.config import Settings
from app.core.accounts import normalise_email
from app.core.errors import Invalid, NotFound
from app.core.vocabulary import Vocabulary
from app.services import alert_letters, mail
from app.services.alert_keeping import Keeping
from app.services.alert_throttle import AlertThrottle
from app.services.alert_tokens import LIFETIMES, AlertTokens
from app.services.alert_words import describe
from app.services.filters import FILTER_PARAMS, SearchRequest, validated
from app.store import alerts, leases, publications
from app.store.alert_tables import Alert
from app.store.changelog import last_change_id
from app.store.db import Session
from app.store.models import OutboxMessage, utcnow
from app.store.secrets import stored_secret

FREQUENCIES = ("immediate", "daily", "weekly")
UNCONFIRMED_KEPT = timedelta(days=7)
JOB = "alerts"  # the alert sender's lease (services/alert_sender.py)
# The pages the links open (app/web/pages/alerts.py).
CONFIRM_PATH = "/alerts/confirm"
UNSUBSCRIBE_PATH = "/alerts/unsubscribe"
MANAGE_PATH = "/alerts/manage"
MANAGE_REQUEST = mail.REQUEST + "alert-manage"  # what send_manage_link queues
KEEP_PATH = "/alerts/keep"
GONE = (
    "This alert no longer exists: it was stopped, it was never confirmed and was deleted after "
    "7 days, or nobody chose to keep it and it was deleted a year after it was confirmed."
)


@dataclass(frozen=True)
class AlertView:
    """An alert as the manage page and the confirmation pages show it."""

    id: int
    words: str
    frequency: str
    how_often: str
    confirmed: bool
    search_path: str
    last_sent_at: datetime | None
    lapses_on: date | None  # when it is deleted unless kept (None until confirmed)
    # Whether it is in its last ALERT_KEEP_NOTICE_DAYS, when its emails carry the keep link:
    # the manage page offers "Keep" only then, as the emails do, not with months still to run.
    keep_offered: bool


def stored_search(search: SearchRequest) -> dict[str, Any]:
    """What an alert keeps of a search: what decides which case studies match."""
    return {
        "q": search.q.strip(),
        "filters": {name: values for name, values in search.filters.items() if values},
        "age": search.age,
        "councils": list(search.councils),
        "published_from": search.published_from,
        "published_to": search.published_to,
        "measured": search.measured,
    }


def search_of(alert: Alert) -> SearchRequest:
    return SearchRequest(
        q=alert.search.get("q", ""),
        filters={k: list(v) for k, v in alert.search.get("filters", {}).items()},
        age=alert.search.get("age"),
        councils=list(alert.search.get("councils", [])),
        published_from=alert.search.get("published_from"),
        published_to=alert.search.get("published_to"),
        measured=alert.search.get("measured"),
    )


def search_path(search: SearchRequest) -> str:
    """The search page's address for a search, its parameters in the page's own order."""
    single = {
        "age": search.age,
        "published_from": search.published_from,
        "published_to": search.published_to,
        "measured": None if search.measured is None else str(search.measured).lower(),
    }
    pairs: list[tuple[str, str]] = [("q", search.q)] if search.q else []
    for name in FILTER_PARAMS:
        if name == "council":
            pairs += [("council", council) for council in search.councils]
        elif name in single:
            pairs += [(name, str(single[name]))] if single[name] is not None else []
        else:
            pairs += [(name, value) for value in search.filters.get(name, [])]
    return "/?" + urlencode(pairs) if pairs else "/"


class AlertService:
    def __init__(
        self, settings: Settings, vocabulary: Vocabulary, wake: Callable[[], None] = lambda: None
    ) -> None:
        self.base = settings.link_base
        self.secret = settings.secret_key
        self.vocabulary = vocabulary
        self.throttle = AlertThrottle(settings)
        self.keeping = Keeping.of(settings)
        self.wake = wake  # tells the mail sender something was queued
        self._tokens: AlertTokens | None = None

    def tokens(self, session: Session) -> AlertTokens:
        if self._tokens is None:
            secret = self.secret or stored_secret(session, "alerts")
            self._tokens = AlertTokens(secret, self.keeping.notice)
        return self._tokens

    def link(self, session: Session, path: str, purpose: str, value: int | str) -> str:
        token = self.tokens(session).make(purpose, value)  # type: ignore[arg-type]
        return f"{self.base}{path}?{urlencode({'token': token})}"

    def alert_link(self, session: Session, path: str, purpose: str, alert: Alert) -> str:
        """A link that acts on this alert only (never on another that takes its number)."""
        assert alert.id is not None
        tokens = self.tokens(session)
        token = tokens.for_alert(purpose, alert.id, alert.address_key)  # type: ignore[arg-type]
        return f"{self.base}{path}?{urlencode({'token': token})}"

    def view(self, alert: Alert) -> AlertView:
        assert alert.id is not None
        search = search_of(alert)
        return AlertView(
            id=alert.id,
            words=describe(search, self.vocabulary),
            frequency=alert.frequency,
            how_often=alert_letters.HOW_OFTEN[alert.frequency],
            confirmed=alert.confirmed_at is not None,
            search_path=search_path(search),
            last_sent_at=alert.last_sent_at,
            lapses_on=(
                self.keeping.lapses_at(alert.confirmed_at).date() if alert.confirmed_at else None
            ),
            keep_offered=self.keeping.in_notice(alert.confirmed_at, utcnow()),
        )

    # -- asking for an alert ---------------------------------------------------------------

    def checked(
        self, email: str | None, frequency: str | None, search: SearchRequest
    ) -> tuple[str, SearchRequest]:
        """The address and the search with its filters as slugs; one Invalid naming every
        field to fix (pointers #/email, #/frequency, #/theme …)."""
        errors: list[dict[str, str]] = []
        address = ""
        try:
            address = normalise_email(email)
        except Invalid as error:
            errors += error.errors or []
        if frequency not in FREQUENCIES:
            detail = "Select how often you want to get emails"
            errors.append({"detail": detail, "pointer": "#/frequency"})
        try:
            search = replace(search, filters=validated(self.vocabulary, search))
        except Invalid as error:
            for item in error.errors or []:
                errors.append({**item, "pointer": item["pointer"].replace("#/query/", "#/")})
        if errors:
            raise Invalid("; ".join(e["detail"] for e in errors), errors)
        return address, search

    def subscribe(
        self,
        session: Session,
        email: str | None,
        frequency: str | None,
        search: SearchRequest,
        client: str,
    ) -> str:
        """Keep an unconfirmed alert and email its confirmation link; return the search in
        words. Invalid for bad fields; TooMany past the limits per address and per client."""
        address, search = self.checked(email, frequency, search)
        assert frequency is not None
        self.throttle.hit(address, client)
        key = self.tokens(session).address_key(address)
        alert = alerts.add_alert(session, address, key, stored_search(search), frequency)
        assert alert.id is not None
        days = LIFETIMES["confirm"].days
        words = self.view(alert).words
        subject, body = alert_letters.confirm(
            words,
            frequency,
            self.alert_link(session, CONFIRM_PATH, "confirm", alert),
            days,
        )
        mail.queue(session, "alert-confirm", address, subject, body)
        session.commit()
        self.wake()
        return words

    # -- following the links ---------------------------------------------------------------

    def _found(self, session: Session, purpose: str, token: str) -> Alert | None:
        """The alert a link of this purpose is for, None if it has gone; Invalid for a bad or
        expired link."""
        alert_id, address = self.tokens(session).alert_of(purpose, token)  # type: ignore[arg-type]
        found = alerts.find_alert(session, alert_id)
        if found is None or not found.address_key.startswith(address or ""):
            return None  # gone, or its number now someone else's
        return found

    def _alert(self, session: Session, purpose: str, token: str) -> Alert:
        alert = self._found(session, purpose, token)
        if alert is None:
            raise NotFound(GONE)
        return alert

    def pending(self, session: Session, token: str) -> AlertView:
        """The alert a confirmation link is for (without confirming it)."""
        return self.view(self._alert(session, "confirm", token))

    def confirm(self, session: Session, token: str) -> AlertView:
        """Confirm the alert (again is harmless): it gets what is published from now on."""
        alert = self._alert(session, "confirm", token)
        if alert.confirmed_at is None:
            if leases.ensure_job(session, JOB):  # the first alert: what is out now is not new
                leases.move_job(session, JOB, None, publications.start_from_now(session))
            alerts.confirm_alert(session, alert, utcnow(), last_change_id(session))
            session.commit()
        return self.view(alert)

    def keeping_alert(self, session: Session, token: str) -> AlertView:
        """The alert a "Keep this alert" link is for (without keeping it)."""
        return self.view(self._alert(session, "keep", token))

    def keep(self, session: Session, token: str) -> AlertView:
        """Keep a confirmed alert for another ALERT_KEEP_MONTHS from now."""
        alert = self._alert(session, "keep", token)
        # A keep link is only ever sent for a confirmed alert; it may have lapsed since.
        if alert.confirmed_at is None or not alerts.keep_alert(session, alert, utcnow()):
            raise NotFound(GONE)
        return self.view(alert)

    def unsubscribing(self, session: Session, token: str) -> AlertView | None:
        """The alert an unsubscribe link is for (without stopping it); None if it has gone."""
        alert = self._found(session, "unsubscribe", token)
        return self.view(alert) if alert else None

    def unsubscribe(self, session: Session, token: str) -> AlertView | None:
        """Stop the alert an unsubscribe link is for; None if it had already gone."""
        alert = self._found(session, "unsubscribe", token)
        if alert is None:
            return None
        view = self.view(alert)
        alerts.delete_alert(session, alert)
        return view

    # -- an address's alerts -----------------------------------------------------------------

    def address_of(self, session: Session, token: str) -> str:
        """The address key a manage link is for."""
        key = self.tokens(session).read("manage", token)
        if not isinstance(key, str):
            raise Invalid("This link is not one we sent.")
        return key

    def manage_link(self, session: Session, alert: Alert) -> str:
        return self.link(session, MANAGE_PATH, "manage", alert.address_key)

    def manage_link_for(self, session: Session, alert_id: int) -> str | None:
        """The manage link of an alert's address (None once the alert has gone)."""
        alert = alerts.find_alert(session, alert_id)
        return self.manage_link(session, alert) if alert else None

    def manage_token(self, session: Session, token: str) -> str:
        """A fresh manage token for the address of a (still working) manage token."""
        return self.tokens(session).make("manage", self.address_of(session, token))

    def list_alerts(self, session: Session, token: str) -> list[AlertView]:
        key = self.address_of(session, token)
        return [self.view(a) for a in alerts.alerts_for_address(session, key)]

    def stop(self, session: Session, token: str, alert_ids: list[int]) -> int:
        """Stop some of the alerts of a manage link's address; return how many were stopped."""
        key = self.address_of(session, token)
        stopped = 0
        for alert in alerts.alerts_for_address(session, key):
            if alert.id in alert_ids:
                alerts.delete_alert(session, alert)
                stopped += 1
        return stopped

    def keep_some(self, session: Session, token: str, alert_ids: list[int]) -> int:
        """Keep some of a manage link's address's confirmed alerts for another
        ALERT_KEEP_MONTHS from now; return how many were kept."""
        key = self.address_of(session, token)
        kept = 0
        for alert in alerts.alerts_for_address(session, key):
            if alert.id in alert_ids and alert.confirmed_at is not None:
                kept += alerts.keep_alert(session, alert, utcnow())
        return kept

    def send_manage_link(self, session: Session, email: str | None, client: str) -> None:
        """Queue a request for a manage link, the same for any address: whether it has alerts
        is looked up by the mail sender (`prepare_manage_link`), so that neither the answer nor
        its time says."""
        address = normalise_email(email)
        self.throttle.hit(address, client)
        mail.request(session, MANAGE_REQUEST, address)
        session.commit()
        self.wake()

    def prepare_manage_link(self, session: Session, request: OutboxMessage) -> bool:
        """The mail sender's part of `send_manage_link`: the link if the address has alerts,
        nothing otherwise (the request, and the address typed, forgotten)."""
        found = alerts.alerts_for_address(
            session, self.tokens(session).address_key(request.recipient)
        )
        if not found:
            mail.drop(session, request)
            return False
        subject, body = alert_letters.manage(
            self.manage_link(session, found[0]), LIFETIMES["manage"].days
        )
        mail.fill(
            session, request, "alert-manage", found[0].email, subject, body
        )  # the alerts' own
        return True
