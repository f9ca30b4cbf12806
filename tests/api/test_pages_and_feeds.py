"""Pages, embeds, feeds, CSV, caching and cross-origin rules, through HTTP (the browser tests
drive the same pages in Chromium)."""

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from testkit.factories import make_draft, sample_collection
from tests.api.conftest import Keys, auth, submit
from tests.seeded import Prepare

ATOM = "{http://www.w3.org/2005/Atom}"
HOST = "https://campaign.example.org"
HTML = {"Accept": "text/html"}


@pytest.fixture
def allowing(prepare_store: Prepare, settings: Settings) -> Iterator[TestClient]:
    """The sample collection, with the campaign site on both allow-lists."""
    prepare_store(settings, sample_collection())
    configured = settings.model_copy(update={"cors_origins": [HOST], "embed_origins": [HOST]})
    with TestClient(create_app(configured)) as client:
        yield client


def test_unpublished_submissions_have_no_page_feed_entry_or_csv_row(
    client: TestClient, keys: Keys
) -> None:
    body = submit(client, keys.leeds, make_draft(title="Narwhal kinship hub")).json()
    assert client.get(f"/case-studies/{body['slug']}").status_code == 404
    for path in (
        "/feeds/case-studies.atom?q=narwhal",
        "/api/v1/search.csv?q=narwhal",
        "/?q=narwhal",
        "/embed?q=narwhal",
    ):
        assert "Narwhal" not in client.get(path).text
    client.post(f"/api/v1/moderation/{body['id']}/publish", headers=auth(keys.moderator))
    for path in (
        "/feeds/case-studies.atom?q=narwhal",
        "/api/v1/search.csv?q=narwhal",
        "/?q=narwhal",
        "/embed?q=narwhal",
        f"/case-studies/{body['slug']}",
    ):
        assert "Narwhal" in client.get(path).text


# -- embedding (the embed page, the widget and the allowed websites: test_embedding.py and
# test_embed_origins.py) ------------------------------------------------------------------------


def test_other_pages_may_not_be_framed(client: TestClient) -> None:
    for path in ("/", "/case-studies/north-care-leavers", "/api/v1/search"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_security_headers_everywhere(client: TestClient) -> None:
    for path in ("/", "/api/v1/search", "/static/site.css", "/widget.js", "/nope"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "content-security-policy" in headers
    page_csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in page_csp and "unsafe-inline" not in page_csp


def test_cors_allows_only_the_listed_origins(allowing: TestClient) -> None:
    allowed = allowing.get("/api/v1/search?q=care", headers={"Origin": HOST})
    assert allowed.headers["access-control-allow-origin"] == HOST
    assert "etag" in allowed.headers["access-control-expose-headers"].lower()
    other = allowing.get("/api/v1/search?q=care", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = allowing.options(
        "/api/v1/search",
        headers={"Origin": HOST, "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    refused = allowing.options(
        "/api/v1/submissions",
        headers={"Origin": HOST, "Access-Control-Request-Method": "POST"},
    )
    assert refused.status_code == 400  # writes are not for browsers on other sites


def test_without_cors_origins_no_origin_is_allowed(client: TestClient) -> None:
    response = client.get("/api/v1/search", headers={"Origin": HOST})
    assert "access-control-allow-origin" not in response.headers


def test_origin_settings_take_commas_or_json() -> None:
    assert Settings(cors_origins="https://a.org, https://b.org/").cors_origins == [
        "https://a.org",
        "https://b.org",
    ]
    assert Settings(embed_origins='["https://a.org"]').embed_origins == ["https://a.org"]
    with pytest.raises(ValueError, match="is not an origin"):
        Settings(cors_origins="https://a.org/path")


# -- caching ----------------------------------------------------------------------------------


CACHED = [
    "/api/v1/search?q=care",
    "/api/v1/case-studies/north-care-leavers",
    "/embed?theme=fostering",
    "/",
    "/case-studies/north-care-leavers",
    "/feeds/case-studies.atom",
    "/api/v1/search.csv?q=care",
]


@pytest.mark.parametrize("path", CACHED)
def test_responses_carry_etags_and_revalidate_to_304(client: TestClient, path: str) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-None-Match": f'"x", W/{etag}'}).status_code == 304


@pytest.mark.parametrize("path", [*CACHED, "/?q=care", "/sign-in", "/healthz", "/static/forms.css"])
def test_every_page_answers_head_as_it_answers_get(client: TestClient, path: str) -> None:
    """Link checkers, uptime probes and caches ask with HEAD: each was a 405 but /openapi.json."""
    got = client.get(path)
    head = client.head(path)
    assert (head.status_code, got.status_code) == (200, 200)
    for name in ("content-type", "content-length", "etag", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), name
    if "etag" in got.headers:
        unchanged = client.head(path, headers={"If-None-Match": got.headers["etag"]})
        assert unchanged.status_code == 304


def test_head_is_refused_where_get_is_and_allowed_where_get_is(client: TestClient) -> None:
    to_sign_in = client.head("/moderation", headers=HTML, follow_redirects=False)
    assert to_sign_in.status_code == 303  # as GET is
    assert to_sign_in.headers["location"].startswith("/sign-in?next=")
    assert client.head("/api/v1/submissions").status_code == 401
    refused = client.head("/sign-out")
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
    assert client.put("/").headers["allow"] == "GET, HEAD"


def test_each_origin_gets_its_own_search_etag(client: TestClient) -> None:
    # The search API keeps its ETag beside its cached JSON, one rendering per origin.
    got = client.get("/api/v1/search?q=care")
    elsewhere = client.get("/api/v1/search?q=care", headers={"Host": "testserver:8080"})
    assert b"http://testserver:8080/" in elsewhere.content  # links name the host asked
    assert elsewhere.headers["etag"] != got.headers["etag"]
    again = client.get("/api/v1/search?q=care", headers={"If-None-Match": got.headers["etag"]})
    assert again.status_code == 304 and again.headers["etag"] == got.headers["etag"]


def test_errors_and_writes_are_not_cached(client: TestClient, keys: Keys) -> None:
    assert "etag" not in client.get("/api/v1/search?theme=nope").headers
    written = submit(client, keys.leeds, make_draft())
    assert "public" not in written.headers.get("cache-control", "")
    # A submission's ETag is its version, for If-Match (docs/submissions.md), not a cache key.
    assert written.headers["etag"] == f'"{written.json()["version"]}"'


def test_a_publish_changes_the_etag(client: TestClient, keys: Keys) -> None:
    before = client.get("/api/v1/search?q=kinship").headers["etag"]
    body = submit(client, keys.leeds, make_draft()).json()
    assert client.get("/api/v1/search?q=kinship").headers["etag"] == before  # unpublished
    client.post(f"/api/v1/moderation/{body['id']}/publish", headers=auth(keys.moderator))
    after = client.get("/api/v1/search?q=kinship", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["etag"] != before


# -- feeds and CSV ----------------------------------------------------------------------------


def test_the_atom_feed_lists_newest_first_and_takes_search_filters(client: TestClient) -> None:
    response = client.get("/feeds/case-studies.atom")
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries][:3] == [
        "Early years peer challenge",
        "Family support at home",
        "Apprenticeships for care leavers",
    ]
    first = entries[0]
    assert first.findtext(f"{ATOM}updated") == "2021-03-04T00:00:00Z"
    assert first.find(f"{ATOM}link").get("href").endswith("/case-studies/east-early-years")
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "Essex County Council"
    assert {c.get("term") for c in first.findall(f"{ATOM}category")} == {
        "early-years",
        "childrens-centres",
    }
    stamps = [e.findtext(f"{ATOM}updated") for e in entries]
    assert feed.findtext(f"{ATOM}updated") == max(stamps)
    filtered = ET.fromstring(client.get("/feeds/case-studies.atom?theme=fostering").content)
    assert [e.findtext(f"{ATOM}title") for e in filtered.findall(f"{ATOM}entry")] == [
        "Recruiting foster carers for teenagers"
    ]
    assert client.get("/feeds/case-studies.atom?theme=nope").status_code == 422


def test_a_published_amendment_updates_the_feed_entry_and_its_etag(
    client: TestClient, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(published="2022-06")).json()
    publish = client.post(
        f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator)
    )
    assert publish.status_code == 200, publish.text
    feed_url = "/feeds/case-studies.atom?q=kinship"
    before = client.get(feed_url)
    (entry,) = ET.fromstring(before.content).findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}published") == entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}published") == "2022-06-01T00:00:00Z"

    # An amendment to the body alone: nothing the feed shows but its date changes.
    body = make_draft()["body"].replace("peer groups", "peer groups and a quarterly newsletter")
    proposed = client.post(
        f"/api/v1/submissions/{record['id']}/amendments",
        json={"body": body},
        headers=auth(keys.leeds),
    )
    assert proposed.status_code == 201, proposed.text
    done = client.post(
        f"/api/v1/moderation/amendments/{proposed.json()['id']}/publish",
        json={"note": "Thanks"},
        headers=auth(keys.moderator),
    )
    assert done.status_code == 200, done.text

    after = client.get(feed_url, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    feed = ET.fromstring(after.content)
    (amended,) = feed.findall(f"{ATOM}entry")
    today = f"{date.today():%Y-%m-%d}T00:00:00Z"
    assert amended.findtext(f"{ATOM}updated") == today
    assert amended.findtext(f"{ATOM}published") == "2022-06-01T00:00:00Z"  # still the first
    assert amended.findtext(f"{ATOM}id") == entry.findtext(f"{ATOM}id")
    assert feed.findtext(f"{ATOM}updated") == today


def test_csv_export_has_every_result_of_the_search(client: TestClient) -> None:
    response = client.get("/api/v1/search.csv?q=care&per_page=1")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
    api = client.get("/api/v1/search?q=care&per_page=50").json()
    assert [r["slug"] for r in rows] == [r["slug"] for r in api["results"]]
    assert rows[0]["url"].endswith(f"/case-studies/{rows[0]['slug']}")
    assert client.get("/api/v1/search.csv?evidence=nope").status_code == 422


def test_csv_shows_the_labels_the_pages_show_not_vocabulary_codes(client: TestClient) -> None:
    """A practitioner opening the download saw "measured", "outcomes-focus", "16-25" and
    "care-leavers; employment-and-skills" where the page said "Outcomes measured" and "Care
    leavers"; the column names (documented, read by scripts) stay as they were."""
    response = client.get("/api/v1/search.csv", params={"theme": "care-leavers"})
    reader = csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")))
    row = {r["slug"]: r for r in reader}["north-care-leavers"]
    assert reader.fieldnames is not None and "last_reviewed" in reader.fieldnames
    assert row["region"] == "North East"
    assert row["evidence"] == "Outcomes measured"
    assert row["priority_areas"] == "A stronger focus on outcomes for children"
    assert row["age_bands"] == "Transition to adulthood (16-25)"
    assert row["themes"] == "Care leavers; Employment and skills"
    page = client.get("/case-studies/north-care-leavers", headers=HTML).text
    for shown in ("Outcomes measured", "Transition to adulthood (16-25)", "Care leavers"):
        assert shown in page


def test_csv_cells_cannot_become_formulas(client: TestClient, keys: Keys) -> None:
    body = submit(client, keys.leeds, make_draft(title="=HYPERLINK(1) hub")).json()
    client.post(f"/api/v1/moderation/{body['id']}/publish", headers=auth(keys.moderator))
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/api/v1/search.csv?q=hyperlink").text.lstrip("\ufeff"))
        )
    )
    assert rows[0]["title"] == "'=HYPERLINK(1) hub"
