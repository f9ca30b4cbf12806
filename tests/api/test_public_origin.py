"""Links, redirects and cached responses name the service by PUBLIC_URL (or a trusted request's
own host), never by a Host header a client made up (issue #15, findings 3 and 16)."""

import gc
import tracemalloc
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.store.keys import create_key
from testkit.factories import make_draft, sample_collection
from tests.api.conftest import auth
from tests.seeded import Prepare

PUBLIC = "https://search.example.org"
EVIL = {"Host": "evil.example"}


@pytest.fixture
def public(prepare_store: Prepare, settings: Settings) -> Iterator[TestClient]:
    """The service with PUBLIC_URL set, reached under whatever Host a client sends. (No log
    records at INFO: pytest keeps every one it captures, which a memory test would count.)"""
    prepare_store(settings, sample_collection())
    changes = {"public_url": PUBLIC, "log_level": "warning"}
    with TestClient(create_app(settings.model_copy(update=changes))) as client:
        yield client


def test_an_unknown_host_is_refused_without_public_url(client: TestClient) -> None:
    for path in ("/api/v1/search?q=care", "/api/v1/suggest?q=fos", "/embed", "/"):
        response = client.get(path, headers=EVIL)
        assert response.status_code == 400, path
        assert response.headers["content-type"] == "application/problem+json"
        assert "PUBLIC_URL" in response.json()["detail"]
    # Probes call by address, and these build no links.
    assert client.get("/healthz", headers=EVIL).status_code == 200
    assert client.get("/readyz", headers={"Host": "10.0.0.7:8000"}).status_code == 200
    # A trusted host (here the test client's own) gets links to itself.
    url = client.get("/api/v1/case-studies/north-care-leavers").json()["url"]
    assert url == "http://testserver/api/v1/case-studies/north-care-leavers"


def test_every_json_link_names_public_url(public: TestClient) -> None:
    search = public.get("/api/v1/search", params={"q": "care"}, headers=EVIL).json()
    assert search["results"] and all(r["url"].startswith(PUBLIC + "/") for r in search["results"])
    detail = public.get("/api/v1/case-studies/north-care-leavers", headers=EVIL).json()
    assert detail["url"] == f"{PUBLIC}/api/v1/case-studies/north-care-leavers"
    related = public.get("/api/v1/case-studies/north-care-leavers/related", headers=EVIL).json()
    assert all(r["url"].startswith(PUBLIC + "/") for r in related["results"])
    suggestions = public.get("/api/v1/suggest", params={"q": "fos"}, headers=EVIL).json()
    assert {s["url"] for s in suggestions["suggestions"]} >= {
        f"{PUBLIC}/api/v1/search?theme=fostering",
        f"{PUBLIC}/api/v1/case-studies/south-fostering",
    }
    with Session(public.app.state.engine) as session:  # type: ignore[attr-defined]
        key = create_key(session, "council", "Leeds City Council")[1]
    created = public.post("/api/v1/submissions", json=make_draft(), headers={**auth(key), **EVIL})
    assert created.status_code == 201
    assert created.headers["location"].startswith(f"{PUBLIC}/api/v1/submissions/")
    assert created.json()["url"] == created.headers["location"]


@pytest.mark.parametrize(
    "path", ["/embed?theme=fostering", "/feeds/case-studies.atom", "/", "/api/v1/search.csv"]
)
def test_cached_pages_feeds_and_exports_never_carry_the_host(public: TestClient, path: str) -> None:
    response = public.get(path, headers=EVIL)
    assert response.status_code == 200
    assert "evil.example" not in response.text
    assert PUBLIC in response.text


def test_redirects_name_public_url(public: TestClient) -> None:
    response = public.get("/api/v1/search/", headers=EVIL, follow_redirects=False)
    assert response.status_code in (307, 308)
    assert response.headers["location"] == f"{PUBLIC}/api/v1/search"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_many_hosts_cost_no_memory(public: TestClient) -> None:
    """2,000 Hosts once took a process from 149 MB to 1.29 GB: a suggester was kept per host."""

    def ask(hosts: range) -> None:
        for n in hosts:
            response = public.get("/api/v1/suggest", params={"q": "fos"}, headers={"Host": f"h{n}"})
            assert response.status_code == 200

    ask(range(20))  # warm: the first suggester, the route's caches
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        ask(range(20, 170))
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 500_000, f"{grown:,} bytes kept for 150 Hosts"


def test_public_url_and_trusted_hosts_are_checked() -> None:
    assert Settings(public_url="HTTPS://Search.Example.org/").public_url == PUBLIC
    assert Settings(public_url="").public_url is None
    for wrong in ("search.example.org", "https://search.example.org/app", "ftp://x.org"):
        with pytest.raises(ValueError, match="origin like"):
            Settings(public_url=wrong)
    hosts = Settings(trusted_hosts="Search.Example.org, *.example.net,[::1]").trusted_hosts
    assert hosts == ["search.example.org", "*.example.net", "::1"]
