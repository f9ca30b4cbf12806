"""Someone revoked between a request's authentication and its write: a moderator's key or
account revoked while their publish, rejection, best bet or everyday-word decision was on its
way still made it, as did a council key's submission. Each write now reads, in its own
transaction, whether who asked may still act, and answers 403 having changed nothing.

The revoke lands at the request's first write to the store (or lock), on the connection that
read its key or session: the SQL engine's event, so it falls between authentication and write
every time, not only when two threads happen to meet there."""

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from app.config import Settings
from app.store import keys as key_store
from app.store.curation_tables import BestBet, LaySynonym
from app.store.models import ApiKey
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, invite, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_people_and_forms import account_id, signed_in

WRITES = ("INSERT", "UPDATE", "DELETE")
# On PostgreSQL a write's transaction may lock before it writes (a row read FOR SHARE, an
# advisory lock): the revoke lands before that, else it would wait on the request it runs in.
LOCKS = ("FOR SHARE", "FOR UPDATE", "PG_ADVISORY_XACT_LOCK")
AUTHENTICATES = ("FROM API_KEY", "FROM BROWSER_SESSION")  # reading the key, or the session
MODERATOR = "moderator@campaign.example"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@contextlib.contextmanager
def revoked_at_first_write(
    client: TestClient, revoke: Callable[[Session], object]
) -> Iterator[None]:
    """Run `revoke` (in a session of its own) just before the first write or lock of the
    connection that authenticated the next request."""
    engine: Any = client.app.state.engine  # type: ignore[attr-defined]
    authenticated: set[int] = set()
    fired: list[str] = []

    def before(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        sql = " ".join(statement.split()).upper()
        if fired:
            return
        writes = sql.startswith(WRITES) or any(lock in sql for lock in LOCKS)
        if writes and id(cursor.connection) in authenticated:
            fired.append(sql)
            with Session(engine) as session:
                revoke(session)
        elif not writes and any(read in sql for read in AUTHENTICATES):
            authenticated.add(id(cursor.connection))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert fired, "the request wrote nothing after authenticating"


def revoking_key(secret: str) -> Callable[[Session], object]:
    def revoke(session: Session) -> object:
        hashed = key_store.hash_secret(secret)
        key = session.exec(select(ApiKey).where(ApiKey.secret_hash == hashed)).one()
        assert key.id is not None
        return key_store.revoke_key(session, key.id)

    return revoke


def revoking_account(client: TestClient, email: str) -> Callable[[Session], object]:
    app: Any = client.app
    number = account_id(client, email)
    return lambda session: app.state.accounts.revoke(session, None, number)


def used(client: TestClient, key: str) -> None:
    """A first request with the key, which notes its use (a write of its own)."""
    assert client.get("/api/v1/moderation/queue", headers=auth(key)).status_code in (200, 403)


def state(client: TestClient, keys: Keys, record: int) -> str:
    found = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.admin))
    status: str = found.json()["status"]
    return status


def count(client: TestClient, table: type) -> int:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return len(list(session.exec(select(table))))


def assert_revoked_problem(response: Any) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "revoked while the request was being handled" in response.json()["detail"]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("publish", None),
        ("reject", {"reason": "Not a case study."}),
        ("request-changes", {"message": "Add the outcomes."}),
    ],
)
def test_a_key_revoked_before_its_decision_is_written_decides_nothing(
    client: TestClient, keys: Keys, action: str, body: dict[str, str] | None
) -> None:
    sent = submit(client, keys.leeds, make_draft(title="Numbat club for kinship carers"))
    record = sent.json()["id"]
    used(client, keys.moderator)
    with revoked_at_first_write(client, revoking_key(keys.moderator)):
        answer = client.post(
            f"/api/v1/moderation/{record}/{action}", json=body, headers=auth(keys.moderator)
        )
    assert_revoked_problem(answer)
    assert state(client, keys, record) == "submitted"
    assert client.get("/api/v1/search", params={"q": "numbat"}).json()["total"] == 0
    history = client.get(f"/api/v1/submissions/{record}/history", headers=auth(keys.admin))
    assert [e["action"] for e in history.json()["events"]] == ["submitted"]


def test_a_council_key_revoked_before_its_submission_is_written_submits_nothing(
    client: TestClient, keys: Keys
) -> None:
    used(client, keys.leeds)
    with revoked_at_first_write(client, revoking_key(keys.leeds)):
        answer = submit(client, keys.leeds, make_draft())
    assert_revoked_problem(answer)
    listed = client.get("/api/v1/moderation/queue", headers=auth(keys.moderator))
    assert listed.json()["total"] == 0


def test_a_key_revoked_before_its_best_bet_or_word_is_written_curates_nothing(
    client: TestClient, keys: Keys
) -> None:
    for key, path, body in (
        (keys.moderator, "/api/v1/best-bets", {"query": "carers", "slug": "south-fostering"}),
        (keys.admin, "/api/v1/synonyms/dismissals", {"phrase": "zorbing"}),
    ):
        used(client, key)
        with revoked_at_first_write(client, revoking_key(key)):
            answer = client.post(path, json=body, headers=auth(key))
        assert_revoked_problem(answer)
    assert count(client, BestBet) == 0 and count(client, LaySynonym) == 0


def test_an_account_revoked_before_its_page_decision_is_written_changes_nothing(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    record = submit(client, keys.leeds, make_draft(title="Kinship carers' hub")).json()["id"]
    moderator.get("/moderation/best-bets")
    with revoked_at_first_write(client, revoking_account(client, MODERATOR)):
        pinned = moderator.submit(
            "/moderation/best-bets",
            {"query": "foster carers", "slug": "north-family-support", "match": "exact"},
        )
    assert pinned.status_code == 403
    assert "Your access was taken away while this was being done" in pinned.text
    assert count(client, BestBet) == 0

    # Invited again and signed in afresh, then revoked while publishing from the review page.
    invite(client, MODERATOR, "moderator")
    again = Person.at(client)
    again.open_link(smtp.inbox.link_to(MODERATOR, 2))
    assert again.confirm().status_code == 303
    again.get(f"/moderation/submissions/{record}/publish?version=1")
    with revoked_at_first_write(client, revoking_account(client, MODERATOR)):
        published = again.submit(
            f"/moderation/submissions/{record}/publish", {"version": "1", "words": ""}
        )
    assert published.status_code == 403
    assert state(client, keys, record) == "submitted"


def test_a_sign_in_racing_a_revoke_ends_signed_out_not_in_an_error(
    client: TestClient, smtp: SmtpServer
) -> None:
    """A sign-in claimed its link, then wrote the account; a revoke wrote the account, then
    deleted its links. Caught between the two, each waited on the other and PostgreSQL ended
    one with an error (a 500, or a revoke that did not happen). The revoke here starts as the
    sign-in writes the account, and is let run half a second before the sign-in goes on."""
    officer = "officer@leeds.example"
    invite(client, officer, "council", "Leeds City Council")
    person = Person.at(client)
    person.open_link(smtp.inbox.link_to(officer))
    engine: Any = client.app.state.engine  # type: ignore[attr-defined]
    revoke = revoking_account(client, officer)
    outcome: list[object] = []

    def run() -> None:
        try:
            with Session(engine) as session:
                outcome.append(revoke(session))
        except Exception as error:  # noqa: BLE001  the test's finding
            outcome.append(error)

    racer = threading.Thread(target=run)
    started: list[bool] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not started and statement.lstrip().startswith("UPDATE app_user"):
            started.append(True)
            racer.start()
            racer.join(0.5)  # the revoke goes as far as it can meanwhile

    event.listen(engine, "before_cursor_execute", before)
    try:
        answer = person.confirm()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    racer.join(30)
    assert answer.status_code in (303, 410), answer.text
    assert len(outcome) == 1 and not isinstance(outcome[0], Exception), outcome
    assert not person.signed_in()
