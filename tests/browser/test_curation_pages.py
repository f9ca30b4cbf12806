"""The moderators' pages for everyday words and best bets, in a real Chromium by keyboard alone,
at a desk's width with JavaScript and a phone's without: a moderator accepts a suggestion made
from real searches, dismisses another, pins a case study, and the search page shows it first,
marked Recommended. Every page passes axe-core with no violations and fits the screen.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.checks import SIZES, accessible, check, tab_to
from tests.browser.mail_site import Site, mail_site, operator, sign_in_moderator
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("curation"), prepare=seeded_server) as site:
        yield site


def suggested(site: Site, key: str, phrases: set[str]) -> None:
    """Wait until the service has written its query counts and proposes the phrases."""
    deadline = time.monotonic() + 60  # the service's own write, on a loaded machine
    # One client for the poll: httpx.get makes one per call (~50 ms of CPU each).
    with httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30) as poll:
        while True:
            found = poll.get(f"{site.url}/api/v1/synonyms/suggestions").json()["suggestions"]
            if phrases <= {s["phrase"] for s in found}:
                return
            assert time.monotonic() < deadline, found
            time.sleep(0.3)


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_a_moderator_bridges_everyday_words_and_pins_a_best_bet(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    key = operator(site, "keys", "create", "--role", "moderator").strip().splitlines()[-1]
    lay, odd = {"desk": ("jobcentre", "zorbing"), "phone": ("jobseekers", "quidditch")}[size]
    for query in [lay, lay, odd]:
        assert (
            httpx.get(f"{site.url}/api/v1/search", params={"q": query}, timeout=30).json()["total"]
            == 0
        )
    suggested(site, key, {lay, odd})
    page = sign_in_moderator(site, browser, f"moderator-{size}@campaign.example", size, javascript)
    shot = f"{site.shots}/{size}-synonyms"
    page.goto(f"{site.url}/moderation/synonyms")
    expect(page.locator("h1")).to_have_text("Everyday words")
    check(page, f"{shot}-1-suggestions.png", javascript)

    tab_to(page, "Accept")  # the first form, empty: what to fix is listed
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary li")).to_have_count(1)
    check(page, f"{shot}-2-error.png", javascript)

    page.goto(f"{site.url}/moderation/synonyms")
    tab_to(page, f"Accept “{lay}”")
    page.keyboard.press("Shift+Tab")  # back to its targets, to edit them
    assert page.evaluate("document.activeElement.name") == "targets"
    page.keyboard.press("Control+A")
    page.keyboard.type("employment, apprenticeships")
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(
        f"Searches for “{lay}” now also find employment, apprenticeships"
    )
    check(page, f"{shot}-3-accepted.png", javascript)
    found = httpx.get(f"{site.url}/api/v1/search", params={"q": lay}, timeout=30).json()["total"]
    assert found > 0

    tab_to(page, f"Dismiss “{odd}”")
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(f"“{odd}” dismissed")
    check(page, f"{shot}-4-dismissed.png", javascript)

    shot = f"{site.shots}/{size}-best-bets"
    page.goto(f"{site.url}/moderation/best-bets")
    expect(page.locator("h1")).to_have_text("Best bets")
    check(page, f"{shot}-1.png", javascript)
    query = f"kinship {size}"
    page.locator("#query").focus()
    page.keyboard.type(query)
    page.keyboard.press("Tab")  # the radios: exact is chosen
    page.keyboard.press("Tab")  # the case study: the fifth on the list
    assert page.evaluate("document.activeElement.id") == "slug"
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    title = page.evaluate("document.getElementById('slug').selectedOptions[0].text")
    assert title != "Choose a published case study"
    slug = page.evaluate("document.getElementById('slug').value")
    tab_to(page, "Pin")
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(f"Pinned to “{query}”, in position 1")
    check(page, f"{shot}-2-pinned.png", javascript)

    # A second pin, then moved above the first by keyboard (a pin could only be unpinned and
    # pinned again, last).
    found = httpx.get(f"{site.url}/api/v1/search", params={"q": "kinship"}, timeout=30).json()
    other = next(r["slug"] for r in found["results"] if r["slug"] != slug)
    pinned = httpx.post(
        f"{site.url}/api/v1/best-bets",
        json={"query": query, "slug": other},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    assert pinned.json()["position"] == 2, pinned.text
    page.goto(f"{site.url}/moderation/best-bets")
    up = page.get_by_role("button", name=re.compile(f"^Move up.*“{query}”"))
    expect(up).to_have_count(1)  # the first has none, the second no "Move down"
    down = page.get_by_role("button", name=re.compile(f"^Move down.*“{query}”"))
    expect(down).to_have_count(1)
    # Each action reads on one line, as tall as its "Unpin" ("Move down" broke over two lines,
    # centred, in a narrow column at a desk's width).
    unpin = page.get_by_role("button", name=re.compile(f"^Unpin.*“{query}”")).first
    for action in (up, down):
        assert action.bounding_box()["height"] == unpin.bounding_box()["height"]  # type: ignore[index]
    tab_to(page, " ".join(up.inner_text().split()))
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(f"moved to position 1 of “{query}”")
    check(page, f"{shot}-3-moved.png", javascript)

    page.goto(f"{site.url}/?q={query.replace(' ', '+')}")
    second = page.locator(".hits > li").nth(1)
    expect(page.locator(".hits > li").first.locator("h3 a")).to_have_attribute(
        "href", re.compile(f"^/case-studies/{other}")
    )
    first = second
    expect(first.locator(".recommended-tag")).to_have_text("Recommended")
    # The choice read "title (council)": the pinned case study is first, by its address.
    expect(first.locator("h3 a")).to_have_attribute("href", re.compile(f"^/case-studies/{slug}"))
    assert title.strip().startswith(first.locator("h3").inner_text().strip())
    check(page, f"{site.shots}/{size}-search-recommended.png", javascript)
    if not javascript:  # the same pages, signed in as before, through axe at this width
        scripted = browser.new_context(
            viewport=SIZES[size],  # type: ignore[arg-type]
            storage_state=page.context.storage_state(),  # type: ignore[arg-type]
        )
        again = scripted.new_page()
        for path in ["/moderation/synonyms", "/moderation/best-bets", f"/?q={query}"]:
            again.goto(f"{site.url}{path}")
            accessible(again)
        scripted.close()
    undo_an_unpin_and_a_forget(site, page, query, title, lay, javascript)
    page.context.close()


def undo_an_unpin_and_a_forget(
    site: Site, page: Page, query: str, title: str, lay: str, javascript: bool
) -> None:
    """Unpin and Forget act at once (each is put back as easily, so nothing asks first); the
    notice names which one, and the next Tab is its Undo, which puts it back as it was."""
    shot = f"{site.shots}/{page.viewport_size['width']}-undo"  # type: ignore[index]
    page.goto(f"{site.url}/moderation/best-bets")
    tab_to(page, f"Unpin {title} from “{query}”", limit=120)
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(f"{title} unpinned from “{query}”")
    check(page, f"{shot}-1-unpinned.png", javascript)
    tab_to(page, f"Undo and pin {title} to “{query}” again", limit=1)  # the very next Tab
    page.keyboard.press("Enter")
    # back second, where "Move up" had put the other above it
    expect(page.locator(".banner")).to_contain_text(f"Pinned to “{query}”, in position 2")
    check(page, f"{shot}-2-pinned-again.png", javascript)

    page.goto(f"{site.url}/moderation/synonyms")
    tab_to(page, f"Forget the decision on “{lay}”", limit=120)
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(
        f"The decision on “{lay}” is forgotten: searches for it no longer also find employment,"
        " apprenticeships"
    )
    check(page, f"{shot}-3-forgotten.png", javascript)
    tab_to(page, f"Undo and accept “{lay}” again", limit=1)
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(
        f"Searches for “{lay}” now also find employment, apprenticeships"
    )
    check(page, f"{shot}-4-accepted-again.png", javascript)


def test_at_320_px_the_decided_and_pinned_lists_fit_a_long_address(
    site: Site, browser: Browser
) -> None:
    """A list's row stacks on a phone; the "By" cell's address had nowhere to break and made
    both pages wider than a 320 px screen, WCAG's reflow width (367 px on the walk)."""
    email = "firstname.lastname.moderator@campaign.example"
    page = sign_in_moderator(site, browser, email, "phone", False)
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{site.url}/moderation/synonyms")
    page.locator("#phrase").fill("jobs for care leavers at 320")
    page.locator("#targets").fill("employment")
    page.locator("#decide-heading + form button[value=accept]").click()
    expect(page.locator(".banner")).to_contain_text("now also find employment")
    expect(page.locator("table")).to_contain_text(email)
    check(page, f"{site.shots}/narrow-synonyms.png", javascript=False)
    page.goto(f"{site.url}/moderation/best-bets")
    page.locator("#query").fill("kinship at 320")
    page.select_option("#slug", index=1)
    page.locator("#pin-heading + form button").click()
    expect(page.locator(".banner")).to_contain_text("Pinned to “kinship at 320”")
    check(page, f"{site.shots}/narrow-best-bets.png", javascript=False)
    page.context.close()
