"""Embedding through HTTP: the embed page a frame shows, the widget's versioned script, and the
"Embed this search" panel's snippets (the browser tests drive them on a second origin)."""

import base64
import hashlib
import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from testkit.factories import make_case_study, sample_collection
from tests.app_fixtures import MakeClient
from tests.seeded import Prepare

HOST = "https://campaign.example.org"


@pytest.fixture
def allowing(prepare_store: Prepare, settings: Settings) -> Iterator[TestClient]:
    """The sample collection, the campaign site allowed, and a contact for web editors."""
    prepare_store(settings, sample_collection())
    configured = settings.model_copy(
        update={"embed_origins": [HOST], "embed_contact": "embed@brightfutures.example"}
    )
    with TestClient(create_app(configured)) as client:
        yield client


def textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea id="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea {name}"
    return html.unescape(found.group(1))


# -- the embed page ---------------------------------------------------------------------------


def test_the_embed_page_is_compact_and_frameable_only_by_allowed_origins(
    allowing: TestClient,
) -> None:
    page = allowing.get("/embed?theme=fostering&limit=3")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert f"frame-ancestors 'self' {HOST}" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "x-frame-options" not in page.headers
    assert '<main aria-labelledby="embed-title">' in page.text
    assert 'class="visually-hidden">Case studies from Bright Futures</h1>' in page.text
    assert '<p class="count" role="status">1 case study</p>' in page.text
    assert '<script src="/static/embed.js" defer></script>' in page.text
    assert page.text.count("<li>") == 1  # one fostering case study in the sample
    assert allowing.get("/embed?limit=2").text.count("<li>") == 2
    assert allowing.get("/embed?limit=21").status_code == 422


def test_a_bad_embed_address_is_a_small_page_the_host_s_frame_may_show(
    allowing: TestClient,
) -> None:
    """Inside a partner's frame, not the whole site's error page with its header and search:
    the frame's own page, saying what is wrong for the website's owner, framed as the embed
    page is, with a way out to the whole search."""
    for address, said in [
        ("/embed?limit=abc", "limit"),
        ("/embed?limit=21", "limit"),
        ("/embed?published_from=banana", "published_from"),
    ]:
        page = allowing.get(address, headers={"Accept": "text/html"})
        assert page.status_code == 422, address
        assert page.headers["content-type"].startswith("text/html")
        assert f"frame-ancestors 'self' {HOST}" in page.headers["content-security-policy"]
        assert '<link rel="stylesheet" href="/static/embed.css">' in page.text
        assert "These case studies cannot be shown" in page.text
        assert said in page.text and "The website's owner can correct it." in page.text
        assert '<a href="/" target="_top">Search all case studies</a>' in page.text
        assert 'role="search"' not in page.text  # not the site's page
    elsewhere = allowing.get("/?published_from=banana&x=1", headers={"Accept": "text/html"})
    assert "embed.css" not in elsewhere.text


def test_embed_links_open_in_place_of_the_host_page(allowing: TestClient) -> None:
    page = allowing.get("/embed?limit=2").text
    targets = re.findall(r'<a href="[^"]*"( target="[^"]*")?', page)
    assert targets and set(targets) == {' target="_top"'}  # the widget's links: same tab too
    assert "_blank" not in page
    assert (
        'href="http://testserver/?q=care" target="_top">See all'
        in allowing.get("/embed?q=care&limit=1").text
    )


def test_the_embed_page_takes_the_sort_and_filters_the_api_takes(allowing: TestClient) -> None:
    query = "age_band=16-25&age_band=0-5&sort=title"
    api = allowing.get(f"/api/v1/search?{query}&per_page=3").json()
    page = allowing.get(f"/embed?{query}&limit=3").text
    slugs = re.findall(r'/case-studies/([a-z0-9-]+)" target', page)
    assert slugs == [r["slug"] for r in api["results"]]
    titles = [r["title"] for r in api["results"]]
    assert titles == sorted(titles)
    assert f'<p class="count" role="status">{api["total"]} case studies</p>' in page


# -- the widget's script ----------------------------------------------------------------------


def test_the_widget_script_has_a_stable_address_that_leads_to_a_versioned_one(
    client: TestClient,
) -> None:
    stable = client.get("/widget.js", follow_redirects=False)
    assert stable.status_code == 302
    assert stable.headers["cache-control"] == "public, max-age=300"
    versioned = stable.headers["location"]
    assert re.fullmatch(r"/widget\.[0-9a-f]{16}\.js", versioned)
    script = client.get(versioned)
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert script.headers["access-control-allow-origin"] == "*"  # integrity checks need CORS
    assert script.headers["cross-origin-resource-policy"] == "cross-origin"
    assert versioned == f"/widget.{hashlib.sha256(script.content).hexdigest()[:16]}.js"
    assert 'customElements.define("case-study-search"' in script.text
    assert "attachShadow" in script.text and "innerHTML" not in script.text
    # An old version's address leads to the current one.
    old = client.get("/widget.0123456789abcdef.js", follow_redirects=False)
    assert old.status_code == 302 and old.headers["location"] == versioned


# -- the panel on the search page -------------------------------------------------------------


def test_the_panel_gives_both_snippets_with_a_plain_link_inside(client: TestClient) -> None:
    page = client.get("/?q=care&theme=fostering&sort=newest&per_page=20").text
    link = "http://testserver/?q=care&amp;theme=fostering&amp;sort=newest"
    assert textarea(page, "embed-widget") == (
        '<case-study-search q="care" theme="fostering" sort="newest" limit="5">\n'
        f'  <a href="{link}">Bright Futures case studies: “care”, Fostering</a>\n'
        "</case-study-search>\n"
        '<script src="http://testserver/widget.js" defer></script>'
    )
    assert textarea(page, "embed-frame") == (
        '<case-study-search mode="frame" q="care" theme="fostering" sort="newest" limit="5">\n'
        f'  <a href="{link}">Bright Futures case studies: “care”, Fostering</a>\n'
        "</case-study-search>\n"
        '<script src="http://testserver/widget.js" defer></script>'
    )
    assert page.count('class="embed-copy"') == 3


def test_the_panel_can_pin_the_script_with_subresource_integrity(client: TestClient) -> None:
    page = client.get("/").text
    pinned = textarea(page, "embed-pinned")
    found = re.fullmatch(
        r'<script src="http://testserver(/widget\.[0-9a-f]{16}\.js)" '
        r'integrity="(sha384-[A-Za-z0-9+/=]+)" crossorigin="anonymous" defer></script>',
        pinned,
    )
    assert found, pinned
    body = client.get(found.group(1)).content
    assert found.group(2) == "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def test_the_panel_says_in_plain_words_how_to_get_a_site_added(client: TestClient) -> None:
    page = client.get("/").text
    panel = page[page.index('<details class="embed"') : page.index("</details>\n    </section>")]
    assert "Ask the Bright Futures campaign team" in panel
    assert "ORIGINS" not in panel and "CORS" not in panel


def test_the_panel_names_the_contact_when_there_is_one(allowing: TestClient) -> None:
    assert (
        'Email the Bright Futures campaign team at <a href="mailto:embed@brightfutures.example">'
        in allowing.get("/").text
    )


def test_a_council_name_with_commas_survives_the_snippet(make_client: MakeClient) -> None:
    council = "Derby City Council, Derbyshire County Council, Nottingham City Council and Nottinghamshire County Council"  # noqa: E501  (a joint programme)
    with make_client([make_case_study(council=council)]) as client:
        page = client.get("/", params={"council": [council, "Leeds"]}).text
    widget = textarea(page, "embed-widget")
    assert f'council="{council}|Leeds"' in widget
