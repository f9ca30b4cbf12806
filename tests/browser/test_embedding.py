"""Embedding as a web editor does it, in a real Chromium: the README's snippets on a host page
served from a second origin. The frame is as tall as its content on a phone and a laptop; the
widget and the frame show the same results; with the service stopped, or silent, or the site not
allowed, the plain link shows (and the console says why); a site a moderator adds through the
API, or on /moderation/embeds by keyboard, works at once, no restart; the search page's panel
copies and previews; axe finds nothing."""

import contextlib
import html
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Route,
    expect,
)
from sqlmodel import Session

from app.store import embed_origins
from app.store.db import make_engine
from app.store.keys import create_key
from testkit.servers import free_port, service, static_site
from tests.browser.checks import check, shoot, tab_to
from tests.browser.mail_site import Site, mail_site, sign_in_moderator
from tests.seeded import ServerPrepare
from tests.waiting import eventually

pytestmark = pytest.mark.browser
SEARCH = "theme=care-leavers&sort=newest"
LINK_TEXT = "Bright Futures case studies: Care leavers"
PINNED_QUERY, PINNED = "care leavers", "dorset-council-tax-care-leavers"
# The host's own styles: they must not reach inside the widget, except through the properties
# and parts the widget offers.
HOST_STYLE = (
    "body { font-family: Georgia, serif; max-width: 40rem; margin: 1rem auto; padding: 0 1rem; }"
    " a { font-size: 40px; color: rgb(255, 0, 0); } ol { display: none; }"
    " case-study-search { --case-study-search-link-color: rgb(90, 45, 130); }"
    " case-study-search::part(count) { font-style: italic; }"
)


def element(service_url: str, mode: str = "") -> str:
    attributes = f"mode='{mode}' " if mode else ""
    return (
        f"<case-study-search {attributes}theme='care-leavers' sort='newest' limit='3'>"
        f"<a href='{service_url}/?theme=care-leavers&amp;sort=newest'>{LINK_TEXT}</a>"
        "</case-study-search>"
    )


def host_pages(folder: Path, service_url: str) -> None:
    """The snippets as a web editor pastes them, on a page of the campaign's site."""
    folder.mkdir(parents=True, exist_ok=True)
    script = f"<script src='{service_url}/widget.js' defer></script>"
    bodies = {
        "widget": element(service_url),
        "frame": element(service_url, "frame"),
        "both": element(service_url) + element(service_url, "frame"),
        # A search a moderator pins a best bet to (sorted by relevance, where pins show).
        "pinned": "".join(
            f"<case-study-search {mode}q='{PINNED_QUERY}' limit='3'>"
            f"<a href='{service_url}/?q=care+leavers'>{LINK_TEXT}</a></case-study-search>"
            for mode in ("", "mode='frame' ")
        ),
        # An <iframe> pasted by hand, with the script beside it to size it.
        "plain": f"<iframe src='{service_url}/embed?{SEARCH.replace('&', '&amp;')}&amp;limit=11'"
        " title='Case studies from Bright Futures' style='width: 100%; border: 0'"
        " height='300'></iframe>",
        # The same with a mistake in its address.
        "mistaken": f"<iframe src='{service_url}/embed?limit=abc'"
        " title='Case studies from Bright Futures' style='width: 100%; border: 0'"
        " height='300'></iframe>",
    }
    for name, body in bodies.items():
        (folder / f"{name}.html").write_text(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>Our campaign</title><link rel='icon' href='data:,'>"
            f"<style>{HOST_STYLE}</style></head><body><main><h1>Our campaign</h1>"
            f"{body}<p id='after'>After the case studies.</p></main>{script}</body></html>"
        )


@dataclass(frozen=True)
class Sites:
    service: str
    host: str  # the campaign's site, allowed from the settings
    stranger: str  # a site never allowed
    newcomer: str  # a site a moderator allows during a test
    moderator: str  # an API key
    folder: Path


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare
) -> Iterator[Sites]:
    tmp = tmp_path_factory.mktemp("embedding")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    for name in ("host", "stranger", "newcomer", "quiet"):
        host_pages(tmp / name, url)
    with (
        static_site(tmp / "host") as host,
        static_site(tmp / "stranger") as stranger,
        static_site(tmp / "newcomer") as newcomer,
    ):
        # Two workers: an origin added through one must be allowed by both, and a best bet
        # saved through one is in the next search of both (tests/e2e/
        # test_best_bets_across_workers.py holds that over HTTP).
        env = {"EMBED_ORIGINS": host, "RATE_LIMIT": "off", "INDEX_SYNC_SECONDS": "0.5"}
        with service(tmp, env, port=port, workers=2, prepare=seeded_server) as base:
            engine = make_engine(f"sqlite:///{tmp / 'store.db'}")
            with Session(engine) as session:
                moderator = create_key(session, "moderator", label="campaign team")[1]
            engine.dispose()
            yield Sites(base, host, stranger, newcomer, moderator, tmp)


@dataclass
class Watched:
    page: Page
    context: BrowserContext
    console: list[ConsoleMessage]
    uncaught: list[str]

    def said(self, kind: str) -> list[str]:
        assert self.uncaught == [], self.uncaught  # a script that throws is always a failure
        return [m.text for m in self.console if m.type == kind]

    def hears(self, kind: str, fragment: str, seconds: float = 60) -> str | None:
        """The first console message of a kind holding the fragment, waiting for it to come.

        Playwright's sync API delivers console events only while it is itself waiting, so this
        waits through the page (time.sleep would leave a late message undelivered).
        """
        deadline = time.monotonic() + seconds
        while True:
            heard = next((text for text in self.said(kind) if fragment in text), None)
            if heard is not None or time.monotonic() > deadline:
                return heard
            self.page.wait_for_timeout(100)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Watched]]:
    """Open pages at a width, collecting what they print to the console."""
    contexts: list[BrowserContext] = []

    def open_(width: int = 1280, **options: Any) -> Watched:
        context = browser.new_context(viewport={"width": width, "height": 800}, **options)
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page, context, [], [])
        page.on("console", lambda message: watched.console.append(message))
        page.on("pageerror", lambda error: watched.uncaught.append(str(error)))
        return watched

    yield open_
    for context in contexts:
        context.close()


def frame_sizes(page: Page) -> dict[str, float]:
    """The frame element's height and its document's, in the host page's pixels."""
    frame = page.frame(url=re.compile(r"/embed\?"))
    assert frame is not None
    inner: dict[str, float] = frame.evaluate(
        """() => ({
            content: document.documentElement.getBoundingClientRect().height,
            scrollHeight: document.scrollingElement.scrollHeight,
            clientHeight: document.scrollingElement.clientHeight,
            scrollWidth: document.scrollingElement.scrollWidth,
            clientWidth: document.scrollingElement.clientWidth,
        })"""
    )
    outer = frame.frame_element().evaluate("f => f.getBoundingClientRect().height")
    return {**inner, "frame": outer}


def fallback(page: Page) -> Any:
    """The plain links inside the snippets (hidden while results show)."""
    return page.locator("case-study-search > a", has_text=LINK_TEXT)


# -- the frame --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [320, 390, 1280])
@pytest.mark.parametrize("kind", ["frame", "plain"])
def test_the_frame_is_as_tall_as_its_content(
    sites: Sites, open_page: Callable[..., Watched], kind: str, width: int
) -> None:
    watched = open_page(width)
    page = watched.page
    page.goto(f"{sites.host}/{kind}.html")
    expect(page.frame_locator("iframe").locator(".more a")).to_be_visible()

    def settled() -> bool:
        sizes = frame_sizes(page)
        return sizes["frame"] == pytest.approx(sizes["content"], abs=1)

    assert eventually(settled, every=0.1), frame_sizes(page)
    sizes = frame_sizes(page)
    assert sizes["scrollHeight"] <= sizes["clientHeight"]  # nothing scrolls inside
    assert sizes["scrollWidth"] <= sizes["clientWidth"]  # nor sideways
    assert watched.said("error") == []


@pytest.mark.parametrize("width", [390, 1280])
def test_a_frame_with_a_mistaken_address_says_so_in_its_own_small_page(
    sites: Sites, open_page: Callable[..., Watched], width: int
) -> None:
    """Not the whole site's error page (its header, its search) inside the campaign's page: the
    frame's own, sized to it, with a way out to the whole search; axe finds nothing on it."""
    watched = open_page(width)
    page = watched.page
    page.goto(f"{sites.host}/mistaken.html")
    frame = page.frame_locator("iframe")
    expect(frame.locator("h1")).to_have_text("These case studies cannot be shown")
    expect(frame.locator("main")).to_contain_text("The website's owner can correct it.")
    expect(frame.get_by_role("search")).to_have_count(0)
    expect(frame.get_by_role("link", name="Search all case studies")).to_be_visible()

    def settled() -> bool:
        sizes = frame_sizes(page)
        return sizes["frame"] == pytest.approx(sizes["content"], abs=1)

    assert eventually(settled, every=0.1), frame_sizes(page)
    shots = os.environ.get("SHOTS_DIR") or sites.folder
    shoot(page, path=f"{shots}/embed-mistaken-{width}.png", full_page=True)
    alone = open_page(width).page
    alone.goto(f"{sites.service}/embed?limit=abc")
    check(alone, f"{shots}/embed-mistaken-alone-{width}.png")


def test_a_frame_link_opens_in_place_of_the_host_page(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    page = open_page().page
    page.goto(f"{sites.host}/frame.html")
    link = page.frame_locator("case-study-search iframe").locator(".hits a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(re.escape(sites.service) + "/case-studies/"))
    expect(page.locator("h1")).to_have_text(title)


def test_a_screen_reader_hears_the_frames_count_once_it_shows(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    """A live region is heard when its text changes, not for the text it was made with: the
    frame's count is there when its page loads, and the frame is hidden until it is sized, so
    `mode="frame"` was silent where the widget says "N case studies". The widget's own live
    region, on the host page from the start, says the frame's count once it shows it."""
    watched = open_page()
    page = watched.page
    page.goto(f"{sites.host}/frame.html")
    widget = page.locator("case-study-search[mode=frame]")
    frame = page.frame_locator("case-study-search iframe")
    expect(frame.locator(".hits li")).to_have_count(3)
    expect(widget.locator("iframe")).to_be_visible()
    count = frame.get_by_role("status").inner_text()
    assert re.fullmatch(r"\d+ case studies", count)
    expect(widget.get_by_role("status")).to_have_text(count)
    # Said, not shown twice: the frame already shows it.
    box = widget.get_by_role("status").bounding_box()
    assert box is not None and box["height"] <= 1
    assert watched.said("error") == []


def test_a_frame_slow_to_load_brings_no_warning_to_the_hosts_console(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    """The console is where a web editor is told what is wrong: the script said hello to a
    frame still on about:blank (the host's own origin), and Chromium warned "Failed to execute
    'postMessage'" there on a page that was working."""
    watched = open_page()
    page = watched.page
    held: list[Route] = []
    watched.context.route(re.compile(r"/embed\?"), lambda route: held.append(route))
    page.goto(f"{sites.host}/plain.html", wait_until="domcontentloaded")
    page.wait_for_function("() => !!customElements.get('case-study-search')")
    page.wait_for_timeout(300)  # the script has looked for frames while this one waited
    assert held, "the frame's request was not held"
    for route in held:
        route.continue_()
    expect(page.frame_locator("iframe").locator(".hits li").first).to_be_visible()
    expect(page.locator("iframe")).to_have_attribute("style", re.compile("height"))
    assert watched.said("warning") == [] and watched.said("error") == []


# -- the widget -------------------------------------------------------------------------------


def test_widget_and_frame_show_the_same_search_the_same_way(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    watched = open_page()
    page = watched.page
    page.goto(f"{sites.host}/both.html")
    widget = page.locator("case-study-search:not([mode])")
    frame = page.frame_locator("case-study-search[mode=frame] iframe")
    expect(widget.locator("li")).to_have_count(3)  # Playwright pierces the shadow root
    expect(frame.locator(".hits li")).to_have_count(3)
    expect(fallback(page)).to_have_count(2)
    expect(fallback(page).first).to_be_hidden()  # the link gives way to the results
    api = httpx.get(f"{sites.service}/api/v1/search?{SEARCH}&per_page=3", timeout=30).json()
    titles = [r["title"] for r in api["results"]]
    assert widget.locator("li > a").all_inner_texts() == titles
    assert frame.locator(".hits a").all_inner_texts() == titles
    count = f"{api['total']} case studies"
    expect(widget.get_by_role("status")).to_have_text(count)
    expect(frame.get_by_role("status")).to_have_text(count)
    # The count is the only live region: the list itself is never read out on its own.
    live = widget.locator("[aria-live], [role=status], [role=log], [role=alert]")
    expect(live).to_have_count(1)
    # Links: the widget's open in the same tab, like the frame's (target=_top).
    first = widget.locator("li > a").first
    assert first.get_attribute("target") is None
    assert (
        first.get_attribute("href") == f"{sites.service}/case-studies/{api['results'][0]['slug']}"
    )
    assert watched.said("error") == []


def test_widget_and_frame_mark_a_best_bet_recommended_as_the_results_page_does(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    key = {"Authorization": f"Bearer {sites.moderator}"}
    made = httpx.post(
        f"{sites.service}/api/v1/best-bets",
        json={"query": PINNED_QUERY, "slug": PINNED},
        headers=key,
        timeout=30,
    )
    assert made.status_code == 201, made.text
    try:
        watched = open_page()
        page = watched.page
        widget = page.locator("case-study-search:not([mode]) li")
        frame = page.frame_locator("case-study-search[mode=frame] iframe").locator(".hits li")
        # Two workers: whichever answers, the pin is in the first page opened after it was
        # saved (the browser keeps the frame's page a minute, so a late pin would stay out).
        page.goto(f"{sites.host}/pinned.html")
        expect(widget.first.locator("[part=recommended]")).to_have_text("Recommended")
        expect(frame.first.locator(".recommended-tag")).to_have_text("Recommended")
        api = httpx.get(
            f"{sites.service}/api/v1/search", params={"q": PINNED_QUERY}, timeout=30
        ).json()
        assert (api["results"][0]["slug"], api["results"][0]["recommended"]) == (PINNED, True)
        assert widget.first.locator("a").inner_text() == api["results"][0]["title"]
        assert frame.first.locator("a").inner_text() == api["results"][0]["title"]
        expect(widget.locator("[part=recommended]")).to_have_count(1)  # the pin alone
        expect(frame.locator(".recommended-tag")).to_have_count(1)
        assert watched.said("error") == []
    finally:
        httpx.delete(made.json()["url"], headers=key, timeout=30).raise_for_status()


def test_the_host_styles_the_widget_only_through_its_properties_and_parts(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    page = open_page().page
    page.goto(f"{sites.host}/widget.html")
    link = page.locator("case-study-search li > a").first
    expect(link).to_be_visible()  # the host's `ol { display: none }` does not reach it
    style = link.evaluate(
        "a => ['fontSize', 'color', 'fontFamily'].map(name => getComputedStyle(a)[name])"
    )
    assert style[0] != "40px"
    assert style[1] == "rgb(90, 45, 130)"  # --case-study-search-link-color
    assert "Georgia" in style[2]  # the page's own font
    count = page.locator("case-study-search [part=count]")
    assert count.evaluate("p => getComputedStyle(p).fontStyle") == "italic"  # ::part(count)


def test_a_script_pinned_with_integrity_runs_and_a_tampered_pin_shows_the_link(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    panel = httpx.get(f"{sites.service}/?{SEARCH}", timeout=30).text
    found = re.search(r'<textarea id="embed-pinned"[^>]*>(.*?)</textarea>', panel, re.S)
    assert found
    pinned = html.unescape(found.group(1))
    assert 'integrity="sha384-' in pinned
    tampered = re.sub(r'sha384-[^"]+', "sha384-" + "A" * 64, pinned)
    for name, script in (("pinned", pinned), ("tampered", tampered)):
        (sites.folder / "host" / f"{name}.html").write_text(
            "<!doctype html><html lang='en'><head><title>Pinned</title>"
            f"<link rel='icon' href='data:,'></head><body><main>{element(sites.service)}"
            f"{script}</main></body></html>"
        )
    page = open_page().page
    page.goto(f"{sites.host}/pinned.html")
    expect(page.locator("case-study-search li")).to_have_count(3)
    page.goto(f"{sites.host}/tampered.html")  # the browser refuses the script
    expect(fallback(page)).to_be_visible()
    assert page.evaluate("!!customElements.get('case-study-search')") is False


# -- when it cannot show results ---------------------------------------------------------------


def test_a_site_not_allowed_shows_the_link_and_says_why_in_the_console(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    watched = open_page()
    page = watched.page
    page.goto(f"{sites.stranger}/both.html")
    # The widget learns at once; the frame after giving it 8 seconds (its timer, then a paint,
    # on a loaded machine: more than the 20 s of tests/browser/conftest.py leaves after it).
    expect(fallback(page).first).to_be_visible()
    expect(fallback(page).nth(1)).to_be_visible(timeout=60_000)
    assert page.locator("case-study-search iframe").evaluate("f => f.offsetHeight") == 0
    expect(page.locator("#after")).to_be_in_viewport()
    message = watched.hears("error", "is not on the list")
    assert message is not None, watched.said("error")
    assert message.startswith(f"Bright Futures widget: {sites.stranger} is not on the list")
    assert "Ask the Bright Futures team to add your website's address" in message


def test_a_site_a_moderator_adds_works_without_a_restart(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    watched = open_page()
    page = watched.page
    page.goto(f"{sites.newcomer}/widget.html")
    expect(fallback(page)).to_be_visible()
    key = {"Authorization": f"Bearer {sites.moderator}"}
    added = httpx.post(
        f"{sites.service}/api/v1/embed-origins",
        json={"origin": sites.newcomer},
        headers=key,
        timeout=30,
    )
    assert added.status_code == 201, added.text

    def every_worker_allows(allowed: bool) -> bool:
        # Two workers: the one that took the request knows at once, the other within a poll.
        # Ten fresh connections in a row agreeing is both (each goes to either worker).
        for _ in range(10):
            frame = httpx.get(f"{sites.service}/embed?q=kinship", timeout=30)
            widget = httpx.get(
                f"{sites.service}/api/v1/search?q=kinship",
                headers={"Origin": sites.newcomer},
                timeout=30,
            )
            if (sites.newcomer in frame.headers["content-security-policy"]) is not allowed:
                return False
            if (widget.headers.get("access-control-allow-origin") == sites.newcomer) is not allowed:
                return False
        return True

    assert eventually(lambda: every_worker_allows(True), every=0.1)
    page.goto(f"{sites.newcomer}/widget.html")
    expect(page.locator("case-study-search li")).to_have_count(3)
    page.goto(f"{sites.newcomer}/frame.html")
    expect(page.frame_locator("iframe").locator(".hits li")).to_have_count(3)
    httpx.delete(added.json()["url"], headers=key, timeout=30).raise_for_status()
    assert eventually(lambda: every_worker_allows(False), every=0.1)
    page.goto(f"{sites.newcomer}/widget.html")
    expect(fallback(page)).to_be_visible()
    expect(page.locator("case-study-search li")).to_have_count(0)


@pytest.fixture(scope="module")
def campaign(
    tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare
) -> Iterator[Site]:
    """A service with no website allowed and a real SMTP server, for the moderators' side."""
    with mail_site(tmp_path_factory.mktemp("campaign"), prepare=seeded_server) as site:
        yield site


@pytest.fixture
def no_site_allowed(campaign: Site) -> Site:
    """The module's campaign service with no website allowed, whatever a test before left."""
    engine = make_engine(campaign.env["DATABASE_URL"])
    with Session(engine) as session:
        for allowed in embed_origins.list_origins(session):
            embed_origins.remove_origin(session, allowed.id, "tests")
    engine.dispose()
    return campaign


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_a_moderator_allows_a_site_in_the_browser_and_takes_it_away_again(
    browser: Browser,
    open_page: Callable[..., Watched],
    tmp_path: Path,
    no_site_allowed: Site,
    size: str,
    javascript: bool,
) -> None:
    """The campaign team's side of embedding, by keyboard: a web editor's site shows the link
    until a moderator allows it on /moderation/embeds; then the widget shows case studies; once
    removed, the link again. No restart, no API key, no environment variable. The two sizes
    share one service (a start is ~4 s of CPU), each with its own editor's site."""
    site = no_site_allowed
    host_pages(tmp_path / "editor", site.url)
    with static_site(tmp_path / "editor") as editor:
        visitor = open_page().page
        visitor.goto(f"{editor}/widget.html")
        expect(fallback(visitor)).to_be_visible()

        page = sign_in_moderator(site, browser, f"{size}@campaign.example", size, javascript)
        page.goto(f"{site.url}/moderation/embeds")
        for _ in range(60):  # Tab to the address field, as a keyboard user does
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "origin":
                break
        page.keyboard.type(editor + "/")
        page.keyboard.press("Tab")
        page.keyboard.type("The campaign's own site")
        tab_to(page, "Allow website")
        page.keyboard.press("Enter")
        expect(page.locator(".banner--success")).to_contain_text(
            f"{editor} may now embed the search"
        )
        expect(page.locator("code.origin")).to_contain_text([editor])
        check(page, f"{site.shots}/{size}-embeds-allowed.png", javascript)

        visitor.goto(f"{editor}/widget.html")
        expect(visitor.locator("case-study-search li")).to_have_count(3)

        tab_to(page, f"Remove {editor}")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text(f"Stop {editor} embedding the search?")
        tab_to(page, "Remove website")
        page.keyboard.press("Enter")
        expect(page.locator("p.empty")).to_be_visible()
        visitor.goto(f"{editor}/widget.html")
        expect(fallback(visitor)).to_be_visible()
        expect(visitor.locator("case-study-search li")).to_have_count(0)
        page.context.close()


def test_with_the_service_stopped_or_silent_the_widget_shows_its_link(
    open_page: Callable[..., Watched], tmp_path: Path, seeded_server: ServerPrepare
) -> None:
    port = free_port()
    own = f"http://127.0.0.1:{port}"
    host_pages(tmp_path / "pages", own)
    watched = open_page()
    page = watched.page
    widget = page.locator("case-study-search")
    with static_site(tmp_path / "pages") as host:
        env = {"EMBED_ORIGINS": host, "RATE_LIMIT": "off"}
        with service(tmp_path, env, port=port, prepare=seeded_server):
            page.goto(f"{host}/widget.html")
            expect(widget.locator("li")).to_have_count(3)
            expect(fallback(page)).to_be_hidden()
        # Stopped: the next search fails at once and the link comes back.
        widget.evaluate("w => w.setAttribute('q', 'kinship')")
        expect(fallback(page)).to_be_visible()
        assert watched.hears("warning", "could not be shown"), watched.said("warning")

        with service(tmp_path, env, port=port, prepare=seeded_server):
            page.reload()
            expect(widget.locator("li")).to_have_count(3)
        # Silent (it takes the connection and never answers): the widget gives up after 8 s.
        with silent_server(port):
            started = time.monotonic()
            widget.evaluate("w => w.setAttribute('q', 'fostering')")
            # Its 8 s timer and a paint, on a loaded machine; a lower bound load cannot break.
            expect(fallback(page)).to_be_visible(timeout=60_000)
            assert time.monotonic() - started >= 7.5
        # A page opened while the service is down still has its link.
        page.goto(f"{host}/widget.html")
        expect(fallback(page)).to_be_visible()


@contextlib.contextmanager
def silent_server(port: int) -> Iterator[None]:
    """A server that accepts connections on the port and never answers."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(16)
        yield


# -- without JavaScript, and for everyone -------------------------------------------------------


def test_without_javascript_the_snippet_is_a_plain_link(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    page = open_page(java_script_enabled=False).page
    page.goto(f"{sites.host}/widget.html")
    expect(fallback(page)).to_be_visible()
    assert fallback(page).get_attribute("href") == f"{sites.service}/?{SEARCH}"


@pytest.mark.parametrize("path", ["/embed?theme=care-leavers", "/embed?q=zzzqqq"])
def test_no_accessibility_violations_on_the_embed_page(
    sites: Sites, open_page: Callable[..., Watched], path: str
) -> None:
    page = open_page(bypass_csp=True).page  # axe is injected as a script
    page.goto(sites.service + path)
    assert violations(page) == []


@pytest.mark.parametrize("name", ["widget", "frame", "plain"])
@pytest.mark.parametrize("width", [390, 1280])
def test_no_accessibility_violations_on_the_host_page(
    sites: Sites, open_page: Callable[..., Watched], name: str, width: int
) -> None:
    page = open_page(width, bypass_csp=True).page  # axe is injected into the frame as well
    page.goto(f"{sites.host}/{name}.html")
    if name == "widget":
        expect(page.locator("case-study-search li")).to_have_count(3)
    else:
        expect(page.frame_locator("iframe").locator(".hits li").first).to_be_visible()
        expect(page.locator("iframe, case-study-search iframe").first).to_have_attribute(
            "style", re.compile("height")
        )
    assert violations(page) == []


def violations(page: Page) -> list[tuple[str, str, list[Any]]]:
    """axe-core's findings at every level, frames included (axe runs in each)."""
    axe = Axe()
    for frame in page.frames[1:]:
        frame.evaluate(axe.axe_script)
    results: Any = axe.run(page)
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
    ]


# -- the panel on the search page --------------------------------------------------------------


def test_the_panel_copies_each_snippet_and_previews_both(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    watched = open_page(permissions=["clipboard-read", "clipboard-write"])
    page = watched.page
    page.goto(f"{sites.service}/?{SEARCH}")
    page.locator("details.embed > summary").focus()
    page.keyboard.press("Enter")  # open the panel from the keyboard
    copy = page.get_by_role("button", name="Copy widget code")
    copy.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".embed-copied").first).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator("#embed-widget").input_value()
    assert f'<a href="{sites.service}/?theme=care-leavers&amp;sort=newest">' in copied
    preview = page.locator("[data-embed-previews]")
    expect(preview.locator("case-study-search:not([mode]) li")).to_have_count(5)
    expect(preview.frame_locator("iframe").locator(".hits li")).to_have_count(5)
    assert watched.said("error") == []
    context = page.context
    context.clear_permissions()
    axe_page = open_page(bypass_csp=True).page
    axe_page.goto(f"{sites.service}/?{SEARCH}")
    axe_page.locator("details.embed > summary").click()
    expect(axe_page.locator("[data-embed-previews] case-study-search li")).to_have_count(5)
    assert violations(axe_page) == []


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
def test_on_a_phone_each_box_shows_all_of_its_code(
    sites: Sites, open_page: Callable[..., Watched], script: bool
) -> None:
    # Someone selecting the code by hand must see where it ends: a box of five rows hid the
    # last lines of the widget's code (its </case-study-search> and <script>) at 390 wide.
    page = open_page(390, java_script_enabled=script).page
    page.goto(f"{sites.service}/?{SEARCH}")
    page.locator("details.embed > summary").click()
    page.locator("details.embed-pin > summary").click()
    for box in ("#embed-widget", "#embed-frame", "#embed-pinned"):
        hidden = page.locator(box).evaluate("box => box.scrollHeight - box.clientHeight")
        assert hidden <= 1, box


def test_the_panel_without_javascript_still_gives_the_code(
    sites: Sites, open_page: Callable[..., Watched]
) -> None:
    page = open_page(java_script_enabled=False).page
    page.goto(f"{sites.service}/?{SEARCH}")
    page.locator("details.embed > summary").click()
    expect(page.locator("#embed-widget")).to_be_visible()
    expect(page.get_by_role("button", name="Copy widget code")).to_be_hidden()
    expect(page.get_by_text("The preview needs JavaScript.")).to_be_visible()
