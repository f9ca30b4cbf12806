"""Partial dates in words for the pages (the words themselves live in app/core/dates.py, which
the e-mails share)."""

from app.core.dates import in_words

__all__ = ["in_words"]
