"""How long a confirmed alert is kept: ALERT_KEEP_MONTHS after it was confirmed or last kept,
and for its last ALERT_KEEP_NOTICE_DAYS its emails (or one reminder, if it has nothing to send)
carry a "Keep this alert" link. Then the alert job deletes it, and with an address's last alert
the address is gone, so no address is kept for a year without its owner saying they want it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.config import Settings
from app.core.currency import add_months


@dataclass(frozen=True)
class Keeping:
    months: int
    notice: timedelta

    @classmethod
    def of(cls, settings: Settings) -> "Keeping":
        return cls(settings.alert_keep_months, timedelta(days=settings.alert_keep_notice_days))

    def lapses_at(self, confirmed_at: datetime) -> datetime:
        """The moment an alert confirmed (or kept) at `confirmed_at` lapses."""
        day = add_months(confirmed_at.date(), self.months)
        return confirmed_at.replace(year=day.year, month=day.month, day=day.day)

    def notice_from(self, confirmed_at: datetime) -> datetime:
        """From when its emails carry the keep link."""
        return self.lapses_at(confirmed_at) - self.notice

    def in_notice(self, confirmed_at: datetime | None, now: datetime) -> bool:
        return confirmed_at is not None and self.notice_from(confirmed_at) <= now

    def lapsed(self, confirmed_at: datetime | None, now: datetime) -> bool:
        return confirmed_at is not None and self.lapses_at(confirmed_at) <= now

    def earliest(self, now: datetime) -> datetime:
        """No alert confirmed after this is in its notice yet: a month is at least 28 days, so
        the store is asked for a few too many and `in_notice` / `lapsed` decide."""
        return now - timedelta(days=28 * self.months) + self.notice + timedelta(days=1)
