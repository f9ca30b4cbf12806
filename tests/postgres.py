"""A real PostgreSQL server for the test run: initdb into a temporary folder, pg_ctl on
127.0.0.1 with a free port, one fresh database per test, everything removed at the end.

The folder is in memory (/dev/shm) when there is room. On the disk (ext4 mounted with
`discard`, as CI's) removing a worker's databases at its end (100–200 of about 12 MB) took the
last test's tear-down 28 s in CI and 55–125 s on a loaded machine, a `DROP DATABASE` during the
run cost a checkpoint and seconds, and a `CREATE DATABASE … TEMPLATE` up to twice the server's
CPU (measured). In memory a test's database is dropped when the test ends
(tests/app_fixtures.py), so the folder holds little more than the seeded ones."""

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from testkit.servers import free_port

MEMORY = "/dev/shm"
ROOM = 4 << 30  # bytes free in MEMORY to put a server there


def _scratch() -> str | None:
    """Where the server's folder goes: MEMORY if it has ROOM, else the usual temporary folder."""
    if not os.path.isdir(MEMORY):
        return None
    stats = os.statvfs(MEMORY)
    return MEMORY if stats.f_bavail * stats.f_frsize >= ROOM else None


def server_binaries() -> str | None:
    found = shutil.which("initdb") or next(
        iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)), None
    )
    return os.path.dirname(os.path.realpath(found)) if found else None


@dataclass(frozen=True)
class PostgresServer:
    port: int
    user: str = "test"
    in_memory: bool = False  # its folder is in MEMORY

    @property
    def admin_url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def new_database(self, template: str | None = None, name: str | None = None) -> str:
        """Create a database, empty or as a copy of a template; return its SQLAlchemy URL.
        Copying a migrated template is much quicker than migrating each test's database."""
        name = name or "t_" + uuid.uuid4().hex[:16]
        copy = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{copy}')
        return self.url_of(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by new_database (or url_of), if it was made, closing whatever
        connections are left to it."""
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url_of(self, name: str) -> str:
        """The SQLAlchemy URL of a database of this server (made or still to be made)."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{name}"


def _options(port: int, folder: str) -> str:
    return (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )


def start_postgres() -> Iterator[PostgresServer]:
    """Start a throwaway cluster (as the postgres user when running as root); stop it after."""
    bindir = server_binaries()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL's server binaries are missing: `make test` installs Debian's postgresql"
        )
    scratch = _scratch()
    folder = tempfile.mkdtemp(prefix="bf-pg-", dir=scratch)
    os.chmod(folder, 0o777)  # the postgres user writes here when we are root
    as_user = [] if os.geteuid() else ["runuser", "-u", "postgres", "--"]
    data = f"{folder}/data"
    subprocess.run(
        [*as_user, f"{bindir}/initdb", "-D", data, "-U", "test", "-A", "trust", "-N"],
        check=True,
        capture_output=True,
    )
    # The port is chosen once initdb (seconds) is done, and chosen again if another process took
    # it before the server bound it: a free port is only free when asked.
    for attempt in range(3):
        port = free_port()
        started = subprocess.run(
            [
                *as_user,
                f"{bindir}/pg_ctl",
                "-D",
                data,
                "-l",
                f"{folder}/log",
                "-w",
                "-o",
                _options(port, folder),
                "start",
            ],
            capture_output=True,
        )
        if started.returncode == 0:
            break
        log = Path(folder, "log").read_text()
        assert "already in use" in log and attempt < 2, started.stderr.decode() + log
    try:
        yield PostgresServer(port, in_memory=scratch is not None)
    finally:
        subprocess.run(
            [*as_user, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
