"""`python -m indexer thesaurus export`: write the everyday phrases moderators accepted into
data/thesaurus.yaml, so they are reviewed as an ordinary diff and kept with the code."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlmodel import Session

from app.config import Settings
from app.search.thesaurus import THESAURUS_FILE
from app.services.lay_language import export_to_file
from app.store.db import init_db, make_engine
from app.store.migrate import SchemaError

thesaurus = typer.Typer(no_args_is_help=True, help="The thesaurus file: export accepted phrases.")
out = Console()
err = Console(stderr=True, soft_wrap=True)


@thesaurus.command("export")
def export(
    file: Annotated[
        Path, typer.Option(help="The thesaurus file to add to", dir_okay=False, exists=True)
    ] = THESAURUS_FILE,
) -> None:
    """Add the accepted everyday phrases that the file lacks to its `everyday:` section."""
    engine = make_engine(Settings().database_url)
    try:
        init_db(engine)
        with Session(engine) as session:
            added, skipped = export_to_file(session, file)
    except (SchemaError, ValueError) as error:
        err.print(str(error), highlight=False)
        raise typer.Exit(1) from error
    finally:
        engine.dispose()
    for phrase in skipped:
        out.print(f"kept the file's own entry for “{phrase}”", highlight=False)
    out.print(f"Added {len(added)} everyday phrase(s) to {file}.", highlight=False)
