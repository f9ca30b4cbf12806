"""Whether a case study is still current: when it was last checked, when it is due to be
checked again, and when it may be out of date. Dates are partial (YYYY, YYYY-MM, YYYY-MM-DD),
read as their first day, so a case study checked "in 2024" counts from 1 January 2024."""

import calendar
from datetime import date

from app.core.content import first_day


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def checked_on(last_reviewed: str | None) -> date | None:
    """The first day a partial date can mean, or None when it is unknown or not a date."""
    return first_day(last_reviewed) if last_reviewed else None


def may_be_out_of_date(last_reviewed: str | None, today: date, stale_months: int) -> bool:
    """Not checked for `stale_months` or more, or never known to be checked."""
    checked = checked_on(last_reviewed)
    return checked is None or add_months(checked, stale_months) <= today


def review_due(last_reviewed: str | None, added: date, after_months: int) -> date:
    """When the next "Is this still current?" is due: `after_months` after the last check, or
    at once for a case study whose last check is unknown (counted from when it was added)."""
    checked = checked_on(last_reviewed)
    return add_months(checked, after_months) if checked is not None else added
