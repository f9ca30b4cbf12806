"""The moderation workflow as a state machine, raced against a real server.

Hypothesis submits case studies and fires bursts of amendments, withdrawals and moderators'
decisions at one record from several threads at once, some naming the version they read
(If-Match) and some not. After each burst, whatever order the server took them in:

- every answer is a 200 or a 409, and each 200 made exactly one new version;
- a change naming a version succeeded only as the first change to that version, and a publish
  naming a version published that version's text;
- the history is a legal path through the states, one event per version;
- the record is public, searchable, suggested and counted in the facets exactly when it is
  published, with the text the store holds, and never flagged without a confirmation;
- and at the end of each run `indexer verify` finds the index and the store agree.

Runs on SQLite and PostgreSQL, a bounded number of examples each.
"""

import itertools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import Session
from typer.testing import CliRunner

from app.core.collection import write_collection
from app.store.db import make_engine
from app.store.keys import create_key
from indexer.cli import cli
from testkit.factories import make_draft, sample_collection
from testkit.servers import service
from tests.postgres import PostgresServer
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.e2e


CHILD = "Mia, aged 9, born 04/05/2015, lives at 12 Oak Street, LS6 2QT."
OPEN = {"submitted", "changes_requested"}
# (history action, from, to) for every legal step; None stands for "the same state".
LEGAL = {
    ("amended", "submitted", "submitted"),
    ("amended", "changes_requested", "submitted"),
    ("withdrawn", "submitted", "withdrawn"),
    ("withdrawn", "changes_requested", "withdrawn"),
    ("published", "submitted", "published"),
    ("changes_requested", "submitted", "changes_requested"),
    ("rejected", "submitted", "rejected"),
    ("rejected", "changes_requested", "rejected"),
    ("unpublished", "published", "changes_requested"),
    ("safeguarding_confirmed", "submitted", "submitted"),
    ("safeguarding_confirmed", "changes_requested", "changes_requested"),
}
# Weighted towards the decisions that change what search shows.
ACTIONS = [
    *["publish"] * 3,
    *["unpublish"] * 2,
    *["confirm-safeguarding"] * 2,
    "amend",
    "amend-naming-a-child",
    "withdraw",
    "request-changes",
    "reject",
]
RECORDS = 3  # records per run; then the rules race what there is
SYLLABLES = ["ka", "zu", "mo", "ri", "te", "vo", "ny", "qe", "lu", "xi", "po", "sa", "fe", "gu"]


@dataclass(frozen=True)
class Server:
    base: str
    env: dict[str, str]
    council: str
    moderator: str


def marker(n: int) -> str:
    """A made-up word per record, far from every real word and from the other markers."""
    word = "zq"
    for _ in range(4):
        n, i = divmod(n, len(SYLLABLES))
        word += SYLLABLES[i]
    return word


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


class Moderation(RuleBasedStateMachine):
    """What Hypothesis draws never depends on what the server answered (else a replay draws
    differently and Hypothesis stops with FlakyStrategyDefinition): a rule draws a position in
    a fixed range and maps it onto the records submitted so far, whose number depends only on
    the steps taken; a record that has reached an end (rejected, withdrawn) is still raced,
    every change then a 409."""

    counter = itertools.count()

    def __init__(self, server: Server) -> None:
        super().__init__()
        self.server = server
        self.http = httpx.Client(base_url=server.base, timeout=30)
        self.slugs: dict[int, tuple[str, str]] = {}  # id -> (slug, marker)
        self.records: list[int] = []  # in the order submitted

    def pick(self, position: int) -> int:
        return self.records[position % len(self.records)]

    def headers(self, key: str, version: int | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"} | (
            {"If-Match": f'"{version}"'} if version is not None else {}
        )

    def call(self, record: int, action: str, version: int | None) -> Callable[[], httpx.Response]:
        council = self.headers(self.server.council, version)
        moderator = self.headers(self.server.moderator, version)
        url = f"/api/v1/submissions/{record}"
        if action.startswith("amend"):
            child = CHILD if action == "amend-naming-a-child" else ""
            body = {"summary": f"A hub for kinship carers, amended. {child}"}
            return lambda: self.http.patch(url, json=body, headers=council)
        if action == "withdraw":
            return lambda: self.http.delete(url, headers=council)
        message = {
            "request-changes": {"message": "Add the costs."},
            "reject": {"reason": "Out of scope."},
            "unpublish": {"reason": "Source disputed."},
            "confirm-safeguarding": {"note": "Names invented by the council."},
        }.get(action)
        path = f"/api/v1/moderation/{record}/{action}"
        return lambda: self.http.post(path, json=message, headers=moderator)

    def read(self, record: int) -> dict[str, Any]:
        response = self.http.get(
            f"/api/v1/submissions/{record}", headers=self.headers(self.server.moderator)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    @precondition(lambda self: len(self.records) < RECORDS)
    @rule(naming_a_child=st.booleans())
    def submit(self, naming_a_child: bool) -> None:
        word = marker(next(self.counter))
        draft = make_draft(title=f"The {word} kinship hub", themes=["neglect"])
        if naming_a_child:
            draft["body"] += f"\n\n{CHILD}"
        response = self.http.post(
            "/api/v1/submissions", json=draft, headers=self.headers(self.server.council)
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["version"] == 1 and response.headers["etag"] == '"1"'
        self.slugs[body["id"]] = (body["slug"], word)
        self.records.append(body["id"])

    @precondition(lambda self: bool(self.records))
    @rule(position=st.integers(0, RECORDS - 1), to=st.sampled_from(["published", "changes"]))
    def prepare(self, position: int, to: str) -> None:
        """Move a record on, one step at a time, so that bursts also meet published records
        and ones sent back for changes."""
        record = self.pick(position)
        now = self.read(record)
        if now["status"] == "submitted" and to == "published":
            if now["safeguarding"]["flagged"] and now["safeguarding"]["checked_version"] is None:
                self.call(record, "confirm-safeguarding", now["version"])()
                now = self.read(record)
            answer = self.call(record, "publish", now["version"])()
            assert answer.status_code == 200, answer.text
        elif now["status"] == "submitted":
            answer = self.call(record, "request-changes", now["version"])()
            assert answer.status_code == 200, answer.text
        after = self.read(record)
        self.check_history(record, after)
        self.check_public(record, after)

    @precondition(lambda self: bool(self.records))
    @rule(
        position=st.integers(0, RECORDS - 1),
        burst=st.lists(st.tuples(st.sampled_from(ACTIONS), st.booleans()), min_size=2, max_size=5),
    )
    def race(self, position: int, burst: list[tuple[str, bool]]) -> None:
        """Fire the burst at a record from one thread each."""
        record = self.pick(position)
        before = self.read(record)
        version = before["version"]
        answers = at_once(
            [self.call(record, action, version if named else None) for action, named in burst]
        )
        assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
        after = self.read(record)
        self.check_answers(before, after, burst, answers)
        self.check_history(record, after)
        self.check_public(record, after)
        self.check_facets()

    def check_answers(
        self,
        before: dict[str, Any],
        after: dict[str, Any],
        burst: list[tuple[str, bool]],
        answers: list[httpx.Response],
    ) -> None:
        """Each 200 made one new version (a repeated withdrawal makes none); a change naming
        the version read won only as its first change; a publish of it published its text."""
        version = before["version"]
        made = {a.json()["version"] for a in answers if a.status_code == 200}
        assert made - {version} == set(range(version + 1, after["version"] + 1))
        for (action, named), answer in zip(burst, answers, strict=True):
            if answer.status_code == 409:
                assert answer.json()["current"]["version"] >= version
                continue
            body = answer.json()
            assert answer.headers["etag"] == f'"{body["version"]}"'
            if named:
                assert body["version"] in (version, version + 1)
            if action == "publish":
                check = body["safeguarding"]
                assert not check["flagged"] or check["checked_version"] is not None
                if named:
                    assert body["summary"] == before["summary"]

    def check_history(self, record: int, now: dict[str, Any]) -> None:
        events = self.http.get(
            f"/api/v1/submissions/{record}/history", headers=self.headers(self.server.moderator)
        ).json()["events"]
        assert (events[0]["action"], events[0]["to_status"]) == ("submitted", "submitted")
        for previous, step in itertools.pairwise(events):
            assert step["from_status"] == previous["to_status"]
            assert (step["action"], step["from_status"], step["to_status"]) in LEGAL
        assert events[-1]["to_status"] == now["status"]
        assert len(events) == now["version"]

    def check_public(self, record: int, now: dict[str, Any]) -> None:
        """Public exactly when published, with the stored text, and never flagged unchecked."""
        slug, word = self.slugs[record]
        live = now["status"] == "published"
        public = self.http.get(f"/api/v1/case-studies/{slug}")
        assert public.status_code == (200 if live else 404)
        if live:
            assert public.json()["summary"] == now["summary"]
            check = now["safeguarding"]
            assert not check["flagged"] or check["checked_version"] is not None
        found = self.http.get("/api/v1/search", params={"q": word}).json()["results"]
        assert (slug in [r["slug"] for r in found]) == live
        suggested = self.http.get("/api/v1/suggest", params={"q": word}).json()["suggestions"]
        assert (slug in [s["value"] for s in suggested]) == live

    def check_facets(self) -> None:
        """Facet counts and filtered totals count published submissions only."""
        published = self.http.get(
            "/api/v1/submissions",
            params={"status": "published", "per_page": 1},
            headers=self.headers(self.server.moderator),
        ).json()["total"]
        themes = self.http.get("/api/v1/vocabulary").json()["themes"]
        assert next(t for t in themes if t["slug"] == "neglect")["count"] == published
        by_theme = self.http.get("/api/v1/search", params={"theme": "neglect"}).json()
        assert by_theme["total"] == published

    def teardown(self) -> None:
        self.http.close()
        verified = CliRunner().invoke(cli, ["verify"], env=self.server.env)
        assert verified.exit_code == 0, verified.output


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    seeded_server: ServerPrepare,
) -> Iterator[Server]:
    """A real server over a small collection with no `neglect` case study of its own."""
    tmp = tmp_path_factory.mktemp(f"moderation-{request.param}")
    write_collection(tmp / "collection", sample_collection())
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'store.db'}"
    else:
        postgres: PostgresServer = request.getfixturevalue("postgres")
        url = postgres.new_database()
    env = {"DATABASE_URL": url, "INDEX_DIR": str(tmp / "index")}
    options = {**env, "DATA_DIR": str(tmp / "collection"), "RATE_LIMIT": "off"}
    with service(tmp, options, prepare=seeded_server) as base:
        engine = make_engine(url)
        with Session(engine) as session:
            council = create_key(session, "council", "Leeds City Council")[1]
            moderator = create_key(session, "moderator", label="campaign team")[1]
        engine.dispose()
        yield Server(base, env, council, moderator)


def test_any_interleaving_of_changes_keeps_the_workflow_and_the_index_right(
    server: Server,
) -> None:
    run_state_machine_as_test(
        lambda: Moderation(server),
        settings=settings(
            max_examples=8,
            stateful_step_count=10,
            deadline=None,
            database=None,  # no example files left behind; a failure prints its reproduction
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
