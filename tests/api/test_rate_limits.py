"""The write limit counts verified keys, and failed keys per address (issue #15, finding 5:
random bearer tokens were never limited, and `bearer`/`BEARER`/two spaces reset a key's count)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.store.keys import create_key
from testkit.factories import make_draft, sample_collection
from tests.seeded import Prepare


@pytest.fixture
def limited(prepare_store: Prepare, settings: Settings) -> Iterator[TestClient]:
    prepare_store(settings, sample_collection())
    changes = {"rate_limit": "1000/minute", "write_rate_limit": "3/minute"}
    with TestClient(create_app(settings.model_copy(update=changes))) as client:
        yield client


def leeds_key(client: TestClient) -> str:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return create_key(session, "council", "Leeds City Council")[1]


def post(client: TestClient, authorization: str | None) -> int:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return client.post("/api/v1/submissions", json=make_draft(), headers=headers).status_code


def test_guessing_keys_is_limited_per_address(limited: TestClient) -> None:
    guesses = [post(limited, f"Bearer bf_guess{n}") for n in range(5)]
    assert guesses == [401, 401, 401, 429, 429]
    refused = limited.post("/api/v1/submissions", json=make_draft(), headers={"Authorization": "x"})
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "keys that are not valid" in refused.json()["detail"]
    # A good key is still served from the same address: guessing blocks only the guesser.
    assert post(limited, f"Bearer {leeds_key(limited)}") == 201


def test_no_key_at_all_counts_as_a_failed_attempt(limited: TestClient) -> None:
    assert [post(limited, None) for _ in range(4)] == [401, 401, 401, 429]


def test_spelling_the_header_differently_does_not_reset_a_keys_count(limited: TestClient) -> None:
    key = leeds_key(limited)
    spellings = [f"Bearer {key}", f"bearer {key}", f"BEARER {key}", f"Bearer  {key}"]
    assert [post(limited, s) for s in spellings] == [201, 201, 201, 429]


def test_the_widget_script_is_never_counted_against_a_host_sites_visitors(
    prepare_store: Prepare, settings: Settings
) -> None:
    """Every visitor of a host page fetches the script; a busy page must not spend their
    address's search allowance, whether it asks for the stable or the versioned address."""
    prepare_store(settings, sample_collection())
    with TestClient(create_app(settings.model_copy(update={"rate_limit": "2/minute"}))) as client:
        stable = client.get("/widget.js", follow_redirects=False)
        versioned = stable.headers["location"]
        assert versioned.startswith("/widget.") and versioned != "/widget.js"
        codes = [client.get(versioned).status_code for _ in range(5)]
        codes += [client.get("/widget.js", follow_redirects=False).status_code for _ in range(3)]
        assert codes == [200] * 5 + [302] * 3
        assert client.get("/api/v1/search?q=care").status_code == 200
        assert client.get("/api/v1/search?q=care").status_code == 200
        assert client.get("/api/v1/search?q=care").status_code == 429
