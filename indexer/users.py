"""`python -m indexer users`: invite, list and revoke the people who sign in to the service.

An invitation is mailed at once (through SMTP_URL, or as an .eml in OUTBOX_DIR); if the mail
server does not take it, it stays in the outbox and the running service retries it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from app.config import Settings
from app.core.errors import Conflict, Error, Forbidden, Invalid, NotFound
from app.core.principals import ROLES
from app.services.accounts import AccountService
from app.services.mail import Mailer
from app.store.db import Engine, init_db, make_engine
from app.store.migrate import SchemaError

users = typer.Typer(no_args_is_help=True, help="People's accounts: invite, list, revoke.")
out = Console()
err = Console(stderr=True, soft_wrap=True)
EXIT = {Invalid: 2, Forbidden: 2, Conflict: 1, NotFound: 1}


@contextmanager
def _store(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    try:
        init_db(engine)
        yield engine
    except SchemaError as error:
        err.print(str(error), highlight=False)
        raise typer.Exit(1) from error
    finally:
        engine.dispose()


def _fail(error: Error) -> typer.Exit:
    err.print(error.detail, highlight=False)
    return typer.Exit(next((code for cls, code in EXIT.items() if isinstance(error, cls)), 1))


@users.command("invite")
def invite(
    email: Annotated[str, typer.Argument(help="Their work email address")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")],
    council: Annotated[
        str | None, typer.Option(help="For --role council: the council, as on its case studies")
    ] = None,
) -> None:
    """Make an account and email it a link to sign in for the first time."""
    settings = Settings()
    with _store(settings) as engine:
        with Session(engine) as session:
            try:
                account = AccountService(settings).invite(session, None, email, role, council)
            except Error as error:
                raise _fail(error) from error
        delivered = Mailer.from_settings(engine, settings).deliver_due()
    who = f"{account.role}{', ' + account.council if account.council else ''}"
    out.print(f"Invited {account.email} ({who}) as account {account.id}.", highlight=False)
    for where in delivered:
        out.print(f"Mail delivered: {where}", highlight=False, soft_wrap=True)
    if not delivered:
        out.print("The invitation is queued: the running service will send it.", highlight=False)


@users.command("list")
def list_users() -> None:
    """Everyone who can sign in, and who could: number, address, role, state, last sign-in."""
    settings = Settings()
    with _store(settings) as engine, Session(engine) as session:
        found = AccountService(settings).list_accounts(session)
    table = Table("id", "role", "council", "state", "created", "last signed in")
    table.add_column("email", overflow="fold", min_width=20)
    for account in found:
        table.add_row(
            str(account.id),
            account.role,
            account.council or "",
            account.state,
            f"{account.created_at:%Y-%m-%d %H:%M}",
            f"{account.last_sign_in_at:%Y-%m-%d %H:%M}" if account.last_sign_in_at else "never",
            account.email,
        )
    out.print(table)


@users.command("revoke")
def revoke(
    who: Annotated[str, typer.Argument(help="Their email address, or the account's number")],
) -> None:
    """Revoke an account: it is signed out at once and its links stop working."""
    settings = Settings()
    with _store(settings) as engine, Session(engine) as session:
        service = AccountService(settings)
        try:
            found = service.get(session, int(who)) if who.isdigit() else None
            found = found or service.find_by_email(session, who)
            if found is None:
                raise NotFound(f"No account for {who}; `users list` shows them.")
            account = service.revoke(session, None, found.id)
        except Error as error:
            raise _fail(error) from error
    out.print(f"{account.email} ({account.role}) can no longer sign in.", highlight=False)
