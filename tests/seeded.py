"""Stores and search indexes seeded once per test process and copied into each test.

An app started on an empty store loads the collection's files and builds its index from them,
which was about half of starting one: most API tests start one. So the first test over a given
collection has a store seeded with it and an index built from that store made aside, by the
same functions the app's start-up calls; every later test over the same collection starts on a
copy of both (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL, a copied index
folder). The copied index records the change-log id of the store it was built from, so the app
finds it in step with its store and only catches up (with nothing), as after a restart.

A test's store is replaced only while it is still as made (no case study, nothing in the
change log, no index yet); a test that wrote to its store first starts as before. For a test
with the `client` fixture the PostgreSQL database is not made empty first: it is made here.

The real servers of tests/e2e and tests/browser (testkit.servers.service) start the same way
through the `seeded_server` fixture: the store and index seeded with the collection the server
would load (its DATA_DIR, else the bundled one) are copied to where it will look, so a server
starts as it does on its second start, not its first (measured: about half the CPU). The tests
of the first start itself (tests/e2e/test_server.py, test_replicas.py) do not use it.

Under pytest-xdist the SQLite ones are made once per run rather than once per worker: the first
worker to need one seeds it in the run's shared temporary folder, under a file lock, and the
others copy it (the bundled collection's took each worker ~7 s of CPU, measured). PostgreSQL's
stay per worker: each worker has its own server.
"""

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from app.config import Settings
from app.core.collection import read_collection, render_case_study, write_collection
from app.core.content import CaseStudyFile
from app.core.vocabulary import get_vocabulary
from app.main import seed_if_empty
from app.search.index import SearchIndex
from app.services.indexing import sync_index
from app.store import case_studies, changelog
from app.store.db import Session, close_engine, make_engine
from tests.postgres import PostgresServer

# prepare_store(settings, collection): see tests/app_fixtures.py.
Prepare = Callable[[Settings, list[CaseStudyFile]], None]
# seeded_server(environment): see tests/app_fixtures.py.
ServerPrepare = Callable[[Mapping[str, str]], None]


@dataclass(frozen=True)
class Seeded:
    """A store seeded with one collection (a SQLite file or a PostgreSQL database name) and the
    index built from it."""

    store: str
    index_dir: Path


def _digest(collection: list[CaseStudyFile]) -> str:
    files = [study.model_dump(mode="json") for study in collection]
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _as_made(settings: Settings) -> bool:
    """Whether the store is still as the fixture made it (or not migrated yet) and no index was
    built yet."""
    if settings.index_dir.exists():
        return False
    engine = make_engine(settings.database_url)
    try:
        if not inspect(engine).get_table_names():  # a database not migrated yet
            return True
        with Session(engine) as session:
            return not case_studies.count_case_studies(session) and not (
                changelog.last_change_id(session)
            )
    finally:
        close_engine(engine)


class SeededStores:
    """One seeded store and index per backend and collection, made on first use."""

    def __init__(self, folders: pytest.TempPathFactory) -> None:
        self._folders = folders
        self._made: dict[tuple[bool, str], Seeded] = {}
        self._deferred: set[str] = set()
        self._rendered: dict[str, dict[str, str]] = {}  # a collection's files by its digest

    def defer(self, url: str) -> str:
        """Note a PostgreSQL database that is not made yet: prepare() makes it, from the seeded
        one (or the empty template). Return its URL."""
        self._deferred.add(url)
        return url

    def prepare(
        self,
        request: pytest.FixtureRequest,
        settings: Settings,
        collection: list[CaseStudyFile],
        empty_store: Callable[[Path], str],
    ) -> None:
        """Write the collection's files to settings.data_dir, as the app expects to find them,
        and put a store and index already seeded with it in place of the test's empty ones."""
        self._write(settings.data_dir, collection)
        deferred = settings.database_url in self._deferred
        self._deferred.discard(settings.database_url)
        if deferred and (not settings.load_on_start or settings.index_dir.exists()):
            self._create(
                request, settings.database_url, request.getfixturevalue("postgres_template")
            )
            return
        if not deferred and (not settings.load_on_start or not _as_made(settings)):
            return
        self._place(request, settings, collection, empty_store, drop=not deferred)

    def _write(self, folder: Path, collection: list[CaseStudyFile]) -> None:
        """Write the collection's files as write_collection does, each collection rendered once
        per test process (its YAML took about 8 ms of CPU a test, measured)."""
        digest = _digest(collection)
        if digest not in self._rendered:
            self._rendered[digest] = {f"{s.slug}.md": render_case_study(s) for s in collection}
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self._rendered[digest].items():
            (folder / name).write_text(text, encoding="utf-8")

    def serve(
        self,
        request: pytest.FixtureRequest,
        environment: Mapping[str, str],
        empty_store: Callable[[Path], str],
    ) -> None:
        """Before a real server (testkit.servers.service) starts with this environment, put a
        store and index seeded with the collection it would load (its DATA_DIR, else the
        bundled one) where it will look, while its store is empty and it has no index yet."""
        settings = Settings(
            database_url=environment["DATABASE_URL"],
            index_dir=Path(environment["INDEX_DIR"]),
            **{"data_dir": Path(environment["DATA_DIR"])} if "DATA_DIR" in environment else {},
        )
        if "LOAD_ON_START" in environment or settings.index_dir.exists():
            return  # a server told whether to load is left as told; an index means not new
        database = make_url(settings.database_url).database
        assert database is not None
        sqlite = _is_sqlite(settings.database_url)
        if not (sqlite and not Path(database).exists()) and not _as_made(settings):
            return
        collection, _ = read_collection(settings.data_dir)
        self._place(request, settings, collection, empty_store, drop=not sqlite)

    def _place(
        self,
        request: pytest.FixtureRequest,
        settings: Settings,
        collection: list[CaseStudyFile],
        empty_store: Callable[[Path], str],
        drop: bool,
    ) -> None:
        """Copy the store and index seeded with the collection (made on first use) to the
        settings' store (its PostgreSQL database made, or replaced if `drop`) and index."""
        sqlite = _is_sqlite(settings.database_url)
        key = (sqlite, _digest(collection))
        if key not in self._made:
            self._made[key] = (
                self._shared(key[1], collection, empty_store)
                if sqlite
                else self._seed(self._folders.mktemp("seeded"), collection, empty_store)
            )
        seeded = self._made[key]
        if sqlite:
            database = make_url(settings.database_url).database
            assert database is not None
            shutil.copyfile(seeded.store, database)
        else:
            self._create(request, settings.database_url, seeded.store, drop=drop)
        shutil.copytree(seeded.index_dir, settings.index_dir)

    @staticmethod
    def _create(
        request: pytest.FixtureRequest, url: str, template: str, drop: bool = False
    ) -> None:
        """Make a test's PostgreSQL database as a copy of a template (replacing it if made)."""
        server: PostgresServer = request.getfixturevalue("postgres")
        name = make_url(url).database
        with psycopg.connect(server.admin_url, autocommit=True) as connection:
            if drop:
                connection.execute(f'DROP DATABASE "{name}"')
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def _shared(
        self, digest: str, collection: list[CaseStudyFile], empty_store: Callable[[Path], str]
    ) -> Seeded:
        """The SQLite store and index seeded with a collection for the whole run: made by the
        first worker that asks (the others wait on the lock), then only copied. A plain run
        (no workers) keeps its own, as before."""
        if not os.environ.get("PYTEST_XDIST_WORKER"):
            return self._seed(self._folders.mktemp("seeded"), collection, empty_store)
        shared = self._folders.getbasetemp().parent / "seeded-sqlite"
        shared.mkdir(exist_ok=True)
        folder, done = shared / digest, shared / f"{digest}.done"
        with (shared / f"{digest}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)  # a worker that died half-way
                folder.mkdir()
                seeded = self._seed(folder, collection, empty_store)
                done.write_text(seeded.store)
        return Seeded(done.read_text(), folder / "index")

    @staticmethod
    def _seed(
        folder: Path, collection: list[CaseStudyFile], empty_store: Callable[[Path], str]
    ) -> Seeded:
        """Seed a store in `folder` and build its index as the app's start-up does
        (seed_if_empty, then sync_index on a missing index), then close both so that they can
        be copied."""
        data_dir = folder / "collection"
        write_collection(data_dir, collection)
        url = empty_store(folder)
        settings = Settings(database_url=url, index_dir=folder / "index", data_dir=data_dir)
        engine = make_engine(url)
        index = SearchIndex(settings.index_dir)
        try:
            seed_if_empty(engine, settings)
            sync_index(engine, index, get_vocabulary())
        finally:
            index.close()
            assert close_engine(engine)
        database = make_url(url).database
        assert database is not None
        if _is_sqlite(url):
            assert not Path(f"{database}-wal").exists(), "the seeded store was not checkpointed"
        return Seeded(database, settings.index_dir)
