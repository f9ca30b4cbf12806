"""The words of alert emails, plain text, each a (subject, body) pair, in the manner of
services/letters.py: what this is, the one thing to do, and what to do if it was not you."""

from dataclasses import dataclass
from datetime import date

from app.core.dates import in_words
from app.services.letters import SERVICE

HOW_OFTEN = {
    "immediate": "as soon as they are published",
    "daily": "once a day",
    "weekly": "once a week",
}
MOST_LISTED = 20  # case studies listed in one email; the rest are a click away


@dataclass(frozen=True)
class Listed:
    title: str
    council: str
    url: str


def _subject(text: str) -> str:
    return text if len(text) <= 200 else text[:199] + "…"


def confirm(words: str, frequency: str, link: str, days: int) -> tuple[str, str]:
    body = f"""Someone, hopefully you, asked {SERVICE} to email this address about new case
studies like these:

{words}

How often: {HOW_OFTEN[frequency]}.

To start getting these emails, open this link and press "Confirm":

{link}

The link works for {days} days. If you did not ask for this, ignore this email: nothing more
will be sent, and the address is deleted within {days} days.
"""
    return "Confirm your email alert", body


@dataclass(frozen=True)
class Keep:
    """The "Keep this alert" link of an alert near its lapse, and the day it lapses."""

    url: str
    lapses_on: date

    def lines(self) -> list[str]:
        day = in_words(self.lapses_on.isoformat())
        return [
            f"This alert stops on {day}, and we then delete your email address unless it has",
            "other alerts. To keep getting these emails, open this link and press",
            '"Keep this alert":',
            self.url,
            "",
        ]


def digest(
    subject: str,
    summary: str,
    frequency: str,
    found: list[Listed],
    search_url: str,
    unsubscribe_url: str,
    manage_url: str,
    keep: Keep | None = None,
) -> tuple[str, str]:
    """What is new for an alert, under the subject (alert_words.subject): first the summary
    (alert_words.summary: how many match which search, in a sentence), then each case study,
    then how to stop or change the alert."""
    count = len(found)
    lines = [summary, ""]
    for study in found[:MOST_LISTED]:
        lines += [study.title, study.council, study.url, ""]
    if count > MOST_LISTED:
        lines += [f"and {count - MOST_LISTED} more.", ""]
    lines += [
        "See every case study for this search:",
        search_url,
        "",
        "---",
        f"You get these emails {HOW_OFTEN[frequency]} because you asked for them on {SERVICE}.",
        "",
        *(keep.lines() if keep else []),
        "Stop these emails:",
        unsubscribe_url,
        "",
        "See, change or stop all your email alerts:",
        manage_url,
        "",
    ]
    return _subject(subject), "\n".join(lines)


def keep_reminder(
    words: str, search_url: str, keep: Keep, unsubscribe_url: str, manage_url: str
) -> tuple[str, str]:
    """The one reminder for an alert near its lapse that has nothing new to send."""
    lines = [
        "You asked for emails about new case studies like these:",
        words,
        "",
        "See every case study for this search:",
        search_url,
        "",
        *keep.lines(),
        "If you do nothing, the alert stops and you need not do anything else.",
        "",
        "Stop these emails now:",
        unsubscribe_url,
        "",
        "See, change or stop all your email alerts:",
        manage_url,
        "",
    ]
    return _subject(f"Keep your email alert? {words}"), "\n".join(lines)


def manage(link: str, days: int) -> tuple[str, str]:
    body = f"""Use this link to see, change or stop the email alerts this address gets
from {SERVICE}:

{link}

The link works for {days} days. If you did not ask for it, you can ignore this email.
"""
    return "Your email alerts", body
