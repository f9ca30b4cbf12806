"""The signed, expiring tokens in alert links (itsdangerous): confirm an alert, unsubscribe from
one, manage an address's alerts, keep one past its lapse. Each purpose has its own salt, so a
token made for one is refused for another. Tokens name an alert id or an address's keyed hash,
never the address, so a link in a log or a browser's history gives nobody's address away."""

import hashlib
import hmac
from datetime import timedelta
from typing import Literal

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.core.errors import Invalid

Purpose = Literal["confirm", "unsubscribe", "manage", "keep"]
LIFETIMES: dict[Purpose, timedelta] = {
    "confirm": timedelta(days=7),  # as long as an unconfirmed alert is kept
    "unsubscribe": timedelta(days=180),  # an old email's link should still work
    "manage": timedelta(days=30),
    "keep": timedelta(days=30),  # ALERT_KEEP_NOTICE_DAYS: until the alert lapses
}
# How much of an address's keyed hash an alert's link carries, to be refused for any other
# address's alert: 64 bits.
ADDRESS_PART = 16
EXPIRED = "This link has expired."
BROKEN = "This link is not one we sent, or it was cut short when it was copied."


class LinkExpired(Invalid):
    """A genuine link, too old to use."""


class AlertTokens:
    def __init__(self, secret: str, keep: timedelta = LIFETIMES["keep"]) -> None:
        self._secret = secret.encode()
        self.lifetimes = {**LIFETIMES, "keep": keep}
        self._serializer = URLSafeTimedSerializer(secret, salt="bright-futures-alerts")

    def address_key(self, email: str) -> str:
        """The keyed hash an address's alerts are found by (stored beside the address)."""
        return hmac.new(self._secret, email.encode(), hashlib.sha256).hexdigest()

    def make(self, purpose: Purpose, value: int | str) -> str:
        return self._serializer.dumps([purpose, value])

    def read(self, purpose: Purpose, token: str) -> int | str:
        """The value a token of this purpose carries; LinkExpired or Invalid otherwise."""
        max_age = int(self.lifetimes[purpose].total_seconds())
        try:
            kind, value = self._serializer.loads(token, max_age=max_age)
        except SignatureExpired as error:
            raise LinkExpired(EXPIRED) from error
        except (BadSignature, ValueError, TypeError) as error:
            raise Invalid(BROKEN) from error
        if kind != purpose or not isinstance(value, int | str):
            raise Invalid(BROKEN)
        return value

    def for_alert(self, purpose: Purpose, alert_id: int, address_key: str) -> str:
        """A token for one alert of one address: SQLite may give a stopped alert's number to
        the next one, someone else's, and a link to the number alone would then act on it."""
        return self.make(purpose, f"{alert_id}:{address_key[:ADDRESS_PART]}")

    def alert_of(self, purpose: Purpose, token: str) -> tuple[int, str | None]:
        """The alert id a token of this purpose names, and the start of its address's key
        (None in a link made before links named it: a number alone)."""
        value = self.read(purpose, token)
        if isinstance(value, int):
            return value, None
        number, _, key = value.partition(":")
        if not (number.isdigit() and len(key) == ADDRESS_PART):
            raise Invalid(BROKEN)
        return int(number), key
