"""`python -m indexer reviews`: send the "Is this still current?" reminders that are due (for
cron; the running service also does so every REVIEW_CHECK_MINUTES), and list the case studies
that may be out of date."""

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from app.config import Settings
from app.core.dates import in_words
from app.services.mail import Mailer
from app.services.reviews import CurrencyChecks
from indexer.users import _store

reviews = typer.Typer(no_args_is_help=True, help="Is this still current? Send reminders, list.")
out = Console()


@reviews.command("send")
def send(
    today: Annotated[
        str | None, typer.Option(help="Act as if it were this day (YYYY-MM-DD), for a dry run")
    ] = None,
) -> None:
    """Email each case study's people once it is due a check; a reminder already sent (by this
    or another process) for the same period is not sent again."""
    settings = Settings()
    day = date.fromisoformat(today) if today else None
    with _store(settings) as engine:
        sent = CurrencyChecks(settings).send_due(engine, day)
        delivered = Mailer.from_settings(engine, settings).deliver_due() if sent else []
    out.print(f"{sent} case stud{'y' if sent == 1 else 'ies'} due a check: reminders queued.")
    for where in delivered:
        out.print(f"Mail delivered: {where}", highlight=False, soft_wrap=True)


@reviews.command("stale")
def stale() -> None:
    """The published case studies not checked for REVIEW_STALE_MONTHS, longest first."""
    settings = Settings()
    with _store(settings) as engine, Session(engine) as session:
        _, rows = CurrencyChecks(settings).stale(session)
    table = Table("slug", "last checked", "last asked", "answer")
    for row in rows:
        asked = f"{row.reminded_at:%Y-%m-%d}" if row.reminded_at else "never"
        table.add_row(row.slug, in_words(row.last_reviewed) or "not known", asked, row.answer or "")
    out.print(table)
    out.print(f"{len(rows)} case studies may be out of date.")
