"""`python -m indexer alerts send`: email every alert what is new for it, once, then deliver
the outbox (for cron, when the service's own schedule is off with ALERT_SEND_SECONDS=0).

Safe to run beside the service and on any number of machines at once: one process at a time
holds the alert job's lease in the store, and the others return at once.
"""

import typer
from rich.console import Console
from sqlmodel import Session

from app.config import Settings
from app.core.vocabulary import get_vocabulary
from app.search.index import SearchIndex
from app.services.alert_sender import AlertSender
from app.services.alerts import AlertService
from app.services.indexing import ensure_index
from app.services.mail import Mailer
from app.services.search import SearchService
from app.store.db import init_db, make_engine
from app.store.migrate import SchemaError
from app.store.outbox import counts

alerts = typer.Typer(no_args_is_help=True, help="Email alerts for a search: send what is due.")
out = Console()
err = Console(stderr=True, soft_wrap=True)


@alerts.command("send")
def send() -> None:
    """Check every alert that is due and email those with new case studies; then deliver the
    mail waiting in the outbox (what the mail server refuses is retried by the service)."""
    settings = Settings()
    engine = make_engine(settings.database_url)
    index = SearchIndex(settings.index_dir)
    try:
        init_db(engine)
        vocabulary = get_vocabulary()
        ensure_index(engine, index, vocabulary)
        mailer = Mailer.from_settings(engine, settings)
        service = AlertService(settings, vocabulary)
        search = SearchService(index, vocabulary)
        sender = AlertSender(
            engine, index, vocabulary, search, service, lease_seconds=settings.alert_lease_seconds
        )
        run = sender.run_once()
        if not run.ran:
            out.print("Another process is sending alerts now; nothing done.")
            return
        delivered = mailer.deliver_due()
        with Session(engine) as session:
            left = counts(session)["waiting"]
        out.print(
            f"{run.checked} alert(s) checked, {run.emailed} emailed; {len(delivered)} "
            f"message(s) delivered, {left} waiting for a retry. {run.reminded} reminded to "
            f"keep their alert, {run.lapsed} lapsed and deleted."
        )
    except SchemaError as error:
        err.print(str(error), highlight=False)
        raise typer.Exit(1) from error
    finally:
        index.close()
        engine.dispose()
