"""Changing how often an alert is sent, from the manage page (its signed link is all it needs).

The sender picks an alert when its frequency says it is due, counting from its last check
(`checked_at`, store/alerts.py), and sends what was published since its last email
(`last_change_id`, untouched here, so nothing waiting is lost or sent twice). An alert made
slower starts its new period now: an "immediate" alert is checked only when something is
published, so after a quiet fortnight its last check is old, and changed to weekly it would
have sent the very next case study at once. Its owner asked for fewer emails, so the first
comes a week (or a day) after the change. An alert made faster keeps its last check: a weekly
alert changed to daily four days after its last email is due now, as its owner would expect.
"""

from app.core.errors import Invalid, NotFound
from app.services.alerts import FREQUENCIES, GONE, AlertService, AlertView
from app.store import alerts
from app.store.db import Session
from app.store.models import utcnow

CHOOSE = "Select how often you want to get emails"
RANK = {frequency: rank for rank, frequency in enumerate(FREQUENCIES)}  # slowest last


def change_frequency(
    service: AlertService, session: Session, token: str, alert_id: int, frequency: str
) -> AlertView:
    """Set how often one of a manage link's address's alerts is sent. Invalid for a bad or
    expired link (no `errors`) or an unknown frequency (`errors` point at it); NotFound if the
    address has no such alert (stopped, lapsed, or someone else's)."""
    key = service.address_of(session, token)
    if frequency not in FREQUENCIES:
        raise Invalid(CHOOSE, [{"detail": CHOOSE, "pointer": "#/frequency"}])
    found = [a for a in alerts.alerts_for_address(session, key) if a.id == alert_id]
    if not found:
        raise NotFound(GONE)
    alert = found[0]
    slower = RANK[frequency] > RANK.get(alert.frequency, 0)
    if not alerts.set_frequency(session, alert, frequency, utcnow() if slower else None):
        raise NotFound(GONE)
    return service.view(alert)
