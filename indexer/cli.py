"""The collection's command line: check, load, build, verify, export, relevance, API keys,
people's accounts and email alerts.
Parses and prints; the work is in app/."""

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec

import typer
from rich.console import Console
from rich.progress import Progress, track
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.config import Settings
from app.core.collection import read_collection, shared_sources, write_collection
from app.core.councils import UnknownCouncil, get_councils
from app.core.principals import ROLES
from app.core.vocabulary import get_vocabulary
from app.search.index import SearchIndex
from app.services.collection import load_collection
from app.services.indexing import catch_up, rebuild_index
from app.store import case_studies as store
from app.store.db import init_db, make_engine
from app.store.keys import create_key, list_keys, revoke_key
from app.store.migrate import SchemaError, ensure_schema
from indexer import relevance as suite
from indexer.alerts import alerts
from indexer.reviews import reviews
from indexer.thesaurus import thesaurus
from indexer.users import users

cli = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
out = Console()
err = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
Folder = Annotated[
    Path | None, typer.Argument(help="Folder of case study files [default: data/case_studies]")
]


_OPEN: list[Engine | SearchIndex] = []


def _connect(settings: Settings) -> Engine:
    """The store's engine, closed when the command ends (see _closing)."""
    engine = make_engine(settings.database_url)
    _OPEN.append(engine)
    return engine


def _closing(command: Callable[P, None]) -> Callable[P, None]:
    """Dispose of the engines a command opened, however it ends."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        finally:
            while _OPEN:
                opened = _OPEN.pop()
                if isinstance(opened, SearchIndex):
                    opened.close()
                else:
                    opened.dispose()

    return run


def _index(settings: Settings) -> SearchIndex:
    """The index, closed when the command ends."""
    index = SearchIndex(settings.index_dir)
    _OPEN.append(index)
    return index


def _engine(settings: Settings) -> Engine:
    engine = _connect(settings)
    try:
        init_db(engine)
    except SchemaError as error:
        err.print(str(error), highlight=False)
        raise typer.Exit(1) from error
    return engine


def _read(folder: Path, *, unique_sources: bool = True) -> list:  # type: ignore[type-arg]
    studies, problems = read_collection(folder, unique_sources=unique_sources)
    for problem in problems:
        err.print(f"[red]✗[/red] {problem}", markup=True, highlight=False, soft_wrap=True)
    if problems:
        err.print(f"{len(problems)} problem(s) in {folder}; nothing was changed.")
        raise typer.Exit(1)
    return studies


@cli.command()
@_closing
def migrate(
    check_only: Annotated[
        bool, typer.Option("--check", help="Only say whether the schema is current")
    ] = False,
) -> None:
    """Apply the schema migrations to the store (DATABASE_URL), or check that they are applied."""
    engine = _connect(Settings())
    try:
        out.print(ensure_schema(engine, apply=not check_only), highlight=False)
    except SchemaError as error:
        err.print(str(error), highlight=False)
        raise typer.Exit(1) from error


@cli.command()
@_closing
def check(folder: Folder = None) -> None:
    """Validate every case study file; report each problem with file, field and allowed values."""
    folder = folder or Settings().data_dir
    studies = _read(folder)
    out.print(f"{len(studies)} case studies in {folder} are valid.")


@cli.command()
@_closing
def load(folder: Folder = None) -> None:
    """Upsert the case study files into the store (idempotent), then bring the index up to date.
    Loads back what `export` wrote, whole: case studies that share a source address are noted,
    not refused (`check` refuses them in the curated collection)."""
    settings = Settings()
    folder = folder or settings.data_dir
    studies = _read(folder, unique_sources=False)
    for note in shared_sources(studies):
        out.print(f"Note: {note}", highlight=False, soft_wrap=True)
    engine = _engine(settings)
    outcome = load_collection(
        engine, track(studies, description="Loading", console=out, transient=True)
    )
    if not outcome["created"] and not outcome["updated"]:
        out.print(f"Nothing changed: all {len(studies)} case studies were already up to date.")
    else:
        out.print(
            f"Loaded {len(studies)} case studies: {outcome['created']} created, "
            f"{outcome['updated']} updated, {outcome['unchanged']} unchanged."
        )
    index = _index(settings)
    if index.exists():
        applied = catch_up(engine, index, get_vocabulary())
        out.print(f"Index brought up to date ({applied} changes applied).")
    else:
        out.print("No index yet: `python -m indexer build` makes one (the service does at start).")


@cli.command()
@_closing
def build() -> None:
    """Rebuild the index from published case studies into a new folder, then swap it in."""
    settings = Settings()
    engine = _engine(settings)
    with Session(engine) as session:
        total = store.count_case_studies(session, published_only=True)
    index = _index(settings)
    with Progress(console=out, transient=True) as progress:
        task = progress.add_task("Indexing", total=total)
        count = rebuild_index(engine, index, get_vocabulary(), lambda: progress.advance(task))
    out.print(f"Index rebuilt with {count} published case studies at {settings.index_dir}.")


@cli.command()
@_closing
def verify() -> None:
    """Compare the store's published case studies with the index; exit 1 listing every
    difference (missing, extra, or indexed from older content)."""
    settings = Settings()
    engine = _engine(settings)
    index = _index(settings)
    if not index.exists():
        err.print(f"No readable index at {settings.index_dir}: run `python -m indexer build`.")
        raise typer.Exit(1)
    with Session(engine) as session:
        expected = {cs.slug: cs.content_hash for cs in store.iter_published(session)}
    indexed = index.fingerprints()
    missing = sorted(set(expected) - set(indexed))
    extra = sorted(set(indexed) - set(expected))
    stale = sorted(s for s in set(expected) & set(indexed) if expected[s] != indexed[s])
    for slug in missing:
        err.print(f"missing from the index: {slug}")
    for slug in extra:
        err.print(f"in the index but not published: {slug}")
    for slug in stale:
        err.print(f"indexed from older content: {slug}")
    if missing or extra or stale:
        err.print(
            f"{len(missing) + len(extra) + len(stale)} difference(s); `python -m indexer build` "
            "rebuilds the index (a running service also catches up by itself)."
        )
        raise typer.Exit(1)
    out.print(f"Store and index agree: {len(expected)} published case studies.")


@cli.command()
@_closing
def export(folder: Annotated[Path, typer.Argument(help="Folder to write the files to")]) -> None:
    """Write every published case study as a collection file."""
    settings = Settings()
    engine = _engine(settings)
    with Session(engine) as session:
        studies = [store.to_file(cs) for cs in store.iter_published(session)]
    count = write_collection(folder, studies)
    out.print(f"Wrote {count} case studies to {folder}.")


@cli.command()
@_closing
def relevance(
    judgments: Annotated[
        Path, typer.Option(help="Graded queries (YAML)", dir_okay=False)
    ] = suite.JUDGMENTS,
    folder: Folder = None,
) -> None:
    """Score the graded practitioner queries: a table per query, then nDCG@10 and MRR per kind
    of query beside plain BM25 (SQLite FTS5) over the same files."""
    folder = folder or Settings().data_dir
    try:
        graded = suite.read_judgments(judgments)
        report = suite.evaluate(graded, folder)
        baseline = suite.evaluate_baseline(graded, folder)
    except (OSError, ValueError) as error:
        err.print(str(error), highlight=False)
        raise typer.Exit(1) from error
    table = Table("query", "nDCG@10", "RR", "found", "first result", box=None)
    for score in report.scores:
        table.add_row(
            score.judgment.query,
            f"{score.ndcg:.3f}",
            f"{score.rr:.2f}",
            f"{score.found}/{len(score.judgment.expected)}",
            score.ranked[0] if score.ranked else "-",
        )
    out.print(table)
    columns = "kind queries nDCG@10 MRR judged BM25_nDCG@10 BM25_MRR BM25_judged gain".split()
    kinds = Table(*(name.replace("_", " ") for name in columns), box=None)
    ours, theirs = report.by_kind(), baseline.by_kind()
    for kind, part in [*ours.items(), ("all", report)]:
        plain = theirs.get(kind, baseline)
        kinds.add_row(
            kind,
            str(len(part.scores)),
            f"{part.ndcg:.3f}",
            f"{part.mrr:.3f}",
            f"{part.judged:.0%}",
            f"{plain.ndcg:.3f}",
            f"{plain.mrr:.3f}",
            f"{plain.judged:.0%}",
            f"{part.ndcg - plain.ndcg:+.3f}",
        )
    out.print(kinds)
    out.print(
        f"{len(report.scores)} queries: nDCG@10 {report.ndcg:.3f}, MRR {report.mrr:.3f} "
        f"(plain BM25: {baseline.ndcg:.3f}, {baseline.mrr:.3f})",
        highlight=False,
    )


keys = typer.Typer(no_args_is_help=True, help="API keys: create, list, revoke.")
cli.add_typer(keys, name="keys")
cli.add_typer(users, name="users")
cli.add_typer(alerts, name="alerts")
cli.add_typer(thesaurus, name="thesaurus")
cli.add_typer(reviews, name="reviews")


@keys.command("create")
@_closing
def keys_create(
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")],
    council: Annotated[
        str | None, typer.Option(help="The council a council key submits for")
    ] = None,
    label: Annotated[str | None, typer.Option(help="A note: who holds it, what for")] = None,
) -> None:
    """Create a key and print it once, as the last line; only its hash is kept. A council key's
    council is a council of England or Wales we know (data/councils.yaml), in any common form."""
    if council is not None:
        try:
            council = get_councils().canonical(council)
        except UnknownCouncil as error:
            err.print(str(error), highlight=False)
            err.print("A new council is one more row in data/councils.yaml.", highlight=False)
            raise typer.Exit(2) from error
    engine = _engine(Settings())
    with Session(engine) as session:
        try:
            key, secret = create_key(session, role, council, label)  # type: ignore[arg-type]
        except ValueError as error:
            err.print(str(error), highlight=False)
            raise typer.Exit(2) from error
        owner = f" for {key.council}" if key.council else ""
        out.print(f"Created {key.role} key {key.id}{owner}. It is shown once; keep it safe:")
    print(secret)


@keys.command("list")
@_closing
def keys_list() -> None:
    """Every key: number, role, council, label, created, last used, revoked (never the key)."""
    engine = _engine(Settings())
    with Session(engine) as session:
        found = list_keys(session)
    table = Table("id", "prefix", "role", "council", "label", "created", "last used", "revoked")
    for key in found:
        table.add_row(
            str(key.id),
            key.prefix + "…",
            key.role,
            key.council or "",
            key.label or "",
            f"{key.created_at:%Y-%m-%d %H:%M}",
            f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
            f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
        )
    out.print(table)


@keys.command("revoke")
@_closing
def keys_revoke(
    key_id: Annotated[int, typer.Argument(help="The key's number (keys list)")],
) -> None:
    """Revoke a key: it stops working at once."""
    engine = _engine(Settings())
    with Session(engine) as session:
        key = revoke_key(session, key_id)
    if key is None:
        err.print(f"No key {key_id}; `keys list` shows them.")
        raise typer.Exit(1)
    out.print(f"Key {key_id} ({key.role}{', ' + key.council if key.council else ''}) is revoked.")


def main() -> None:
    cli()
