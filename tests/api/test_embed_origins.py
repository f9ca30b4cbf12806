"""The websites allowed to embed, managed through /api/v1/embed-origins: moderators add and
remove them, the change applies to CORS and to the embed page's frame-ancestors at once, in
every process on the store, and EMBED_ORIGINS / CORS_ORIGINS only seed the list."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.store.keys import create_key
from testkit.factories import sample_collection
from tests.api.conftest import Keys, auth
from tests.seeded import Prepare
from tests.waiting import eventually

HOST = "https://campaign.example.org"
ORIGINS = "/api/v1/embed-origins"


def add(client: TestClient, key: str, origin: str, **extra: Any) -> Any:
    return client.post(ORIGINS, json={"origin": origin, **extra}, headers=auth(key))


def cors_allows(client: TestClient, origin: str) -> bool:
    response = client.get("/api/v1/search?q=care", headers={"Origin": origin})
    return response.headers.get("access-control-allow-origin") == origin


def frame_allows(client: TestClient, origin: str) -> bool:
    policy = client.get("/embed").headers["content-security-policy"]
    ancestors = policy.split("frame-ancestors", 1)[1].split(";")[0].split()
    return origin in ancestors


def test_a_moderator_adds_lists_and_removes_a_website(client: TestClient, keys: Keys) -> None:
    added = add(client, keys.moderator, HOST, note="Campaign site, asked by the web team")
    assert added.status_code == 201
    body = added.json()
    assert added.headers["location"] == body["url"] == f"http://testserver{ORIGINS}/{body['id']}"
    assert body["origin"] == HOST
    assert body["note"] == "Campaign site, asked by the web team"
    assert body["added_by"] == "campaign team (moderator key 3)"
    listed = client.get(ORIGINS, headers=auth(keys.admin)).json()["origins"]
    assert [o["origin"] for o in listed] == [HOST]
    assert client.delete(body["url"], headers=auth(keys.moderator)).status_code == 204
    assert client.get(ORIGINS, headers=auth(keys.moderator)).json() == {"origins": []}


def test_the_change_applies_to_cors_and_frames_at_once(client: TestClient, keys: Keys) -> None:
    assert not cors_allows(client, HOST) and not frame_allows(client, HOST)
    url = add(client, keys.moderator, HOST).json()["url"]
    assert cors_allows(client, HOST) and frame_allows(client, HOST)
    assert not cors_allows(client, "https://other.example.org")
    client.delete(url, headers=auth(keys.moderator))
    assert not cors_allows(client, HOST) and not frame_allows(client, HOST)


def test_a_removed_site_cannot_keep_using_a_cached_answer(client: TestClient, keys: Keys) -> None:
    url = add(client, keys.moderator, HOST).json()["url"]
    first = client.get("/api/v1/search?q=care", headers={"Origin": HOST})
    etag = first.headers["etag"]
    again = {"Origin": HOST, "If-None-Match": etag}
    assert client.get("/api/v1/search?q=care", headers=again).status_code == 304
    client.delete(url, headers=auth(keys.moderator))
    # A 304 would let the browser keep the cached Access-Control-Allow-Origin.
    refused = client.get("/api/v1/search?q=care", headers=again)
    assert refused.status_code == 200 and "access-control-allow-origin" not in refused.headers
    assert client.get("/api/v1/search?q=care", headers={"If-None-Match": etag}).status_code == 304


def test_an_origin_is_kept_as_browsers_send_it(client: TestClient, keys: Keys) -> None:
    body = add(client, keys.moderator, "  HTTPS://Campaign.Example.org:443/ ").json()
    assert body["origin"] == HOST
    assert add(client, keys.moderator, "https://bücher.example").json()["origin"] == (
        "https://xn--bcher-kva.example"
    )
    assert add(client, keys.moderator, "http://localhost:8080").json()["origin"] == (
        "http://localhost:8080"
    )


@pytest.mark.parametrize(
    ("origin", "why"),
    [
        ("campaign.example.org", "it must start with https://"),
        ("https://campaign.example.org/news", "without a path"),
        ("https://*.example.org", "without wildcards"),
        ("https://user:secret@example.org", "user name or password"),
        ("https://example.org:70000", "port must be a number"),
        ("ftp://example.org", "it must start with https://"),
        ("", "it is empty"),
    ],
)
def test_what_is_not_an_origin_is_refused_saying_what_to_fix(
    client: TestClient, keys: Keys, origin: str, why: str
) -> None:
    response = add(client, keys.moderator, origin)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert why in problem["detail"] and "https://campaign.example.org" in problem["detail"]
    assert problem["errors"][0]["pointer"] == "#/body/origin"
    assert client.get(ORIGINS, headers=auth(keys.moderator)).json() == {"origins": []}


def test_a_body_with_unknown_or_oversized_fields_is_refused(client: TestClient, keys: Keys) -> None:
    assert add(client, keys.moderator, HOST, colour="red").status_code == 422
    assert add(client, keys.moderator, HOST, note="x" * 301).status_code == 422
    assert add(client, keys.moderator, "https://" + "a" * 300 + ".org").status_code == 422
    assert client.get(ORIGINS, headers=auth(keys.moderator)).json() == {"origins": []}


def test_a_website_already_allowed_is_a_conflict(client: TestClient, keys: Keys) -> None:
    add(client, keys.moderator, HOST)
    again = add(client, keys.admin, HOST + "/")
    assert again.status_code == 409
    assert again.json()["detail"].startswith(f"{HOST} is already allowed (added by campaign team")


def test_a_removed_websites_number_is_never_given_to_another(
    client: TestClient, keys: Keys
) -> None:
    """On SQLite a new website took the number of the last one removed: a Remove pressed
    again (or from a page opened before) then removed the new one."""
    url = add(client, keys.moderator, HOST).json()["url"]
    assert client.delete(url, headers=auth(keys.moderator)).status_code == 204
    assert add(client, keys.moderator, "https://leeds.example.org").json()["url"] != url
    assert client.delete(url, headers=auth(keys.moderator)).status_code == 404
    assert cors_allows(client, "https://leeds.example.org")


def test_removing_an_unknown_website_is_a_404(client: TestClient, keys: Keys) -> None:
    response = client.delete(f"{ORIGINS}/999", headers=auth(keys.moderator))
    assert response.status_code == 404
    assert "GET the list" in response.json()["detail"]


def test_only_moderators_and_admins_manage_the_list(client: TestClient, keys: Keys) -> None:
    url = add(client, keys.admin, HOST).json()["url"]
    for response in (
        client.get(ORIGINS, headers=auth(keys.leeds)),
        add(client, keys.leeds, "https://leeds.example.org"),
        client.delete(url, headers=auth(keys.leeds)),
    ):
        assert response.status_code == 403
        assert "moderator or admin key" in response.json()["detail"]
    assert client.get(ORIGINS).status_code == 401
    assert client.post(ORIGINS, json={"origin": HOST}).status_code == 401
    assert cors_allows(client, HOST)  # nothing the council tried changed anything


def test_any_page_may_ask_whether_its_site_is_allowed(client: TestClient, keys: Keys) -> None:
    refused = client.get(f"{ORIGINS}/check", headers={"Origin": HOST})
    assert refused.status_code == 200
    assert refused.headers["access-control-allow-origin"] == "*"
    assert refused.headers["cache-control"] == "no-store"
    body = refused.json()
    assert body["origin"] == HOST and body["allowed"] is False
    assert body["detail"].startswith(f"{HOST} is not on the list of websites allowed to embed")
    assert "Ask the Bright Futures team to add your website's address" in body["detail"]
    add(client, keys.moderator, HOST)
    allowed = client.get(f"{ORIGINS}/check", params={"origin": HOST + "/"}).json()
    assert allowed == {
        "origin": HOST,
        "allowed": True,
        "detail": f"{HOST} may embed Bright Futures case studies.",
    }
    missing = client.get(f"{ORIGINS}/check")
    assert missing.status_code == 422 and "?origin=" in missing.json()["detail"]
    assert client.get(f"{ORIGINS}/check", params={"origin": "nope"}).status_code == 422


def test_the_settings_seed_the_list_once(prepare_store: Prepare, settings: Settings) -> None:
    prepare_store(settings, sample_collection())
    seeded = settings.model_copy(
        update={"embed_origins": [HOST], "cors_origins": ["https://www.example.org"]}
    )
    with TestClient(create_app(seeded)) as client:
        engine = client.app.state.engine  # type: ignore[attr-defined]
        with Session(engine) as session:
            moderator = create_key(session, "moderator", label="campaign team")[1]
        listed = client.get(ORIGINS, headers=auth(moderator)).json()["origins"]
        assert {(o["origin"], o["added_by"]) for o in listed} == {
            (HOST, "settings (EMBED_ORIGINS, CORS_ORIGINS)"),
            ("https://www.example.org", "settings (EMBED_ORIGINS, CORS_ORIGINS)"),
        }
        removed = next(o for o in listed if o["origin"] == HOST)
        client.delete(removed["url"], headers=auth(moderator))
    # A restart with the same settings does not bring back what a moderator removed; an origin
    # the list has never had is added.
    restarted = seeded.model_copy(update={"embed_origins": [HOST, "https://new.example.org"]})
    with TestClient(create_app(restarted)) as client:
        listed = client.get(ORIGINS, headers=auth(moderator)).json()["origins"]
        assert [o["origin"] for o in listed] == [
            "https://new.example.org",
            "https://www.example.org",
        ]
        assert not cors_allows(client, HOST) and not frame_allows(client, HOST)


@pytest.mark.quick_sync
def test_every_process_follows_the_list_without_a_restart(
    settings: Settings, client: TestClient, keys: Keys
) -> None:
    """A second app on the same store plays another worker or replica."""
    with TestClient(create_app(settings)) as other:
        assert not cors_allows(other, HOST)
        url = add(client, keys.moderator, HOST).json()["url"]
        assert eventually(lambda: cors_allows(other, HOST) and frame_allows(other, HOST))
        client.delete(url, headers=auth(keys.moderator))
        assert eventually(lambda: not cors_allows(other, HOST) and not frame_allows(other, HOST))
