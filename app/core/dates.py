"""Partial dates in words, as people write them: "2017-11" is shown as "November 2017"."""

import calendar


def in_words(value: str | None) -> str:
    """Return "2017", "November 2017" or "5 November 2017" for YYYY, YYYY-MM or YYYY-MM-DD;
    anything else (or nothing) comes back as it was, so a page never fails on a date."""
    if not value:
        return ""
    parts = value.split("-")
    if not all(part.isdigit() for part in parts) or len(parts) > 3:
        return value
    year, month, day = [*parts, "", ""][:3]
    if not month:
        return year
    if not 1 <= int(month) <= 12:
        return value
    words = f"{calendar.month_name[int(month)]} {year}"
    return f"{int(day)} {words}" if day else words
