"""A moderator's journey in a real Chromium, by keyboard alone: signs in from the emailed link
and lands on the queue; opens a submission the safeguarding check flagged and sees the finding
marked in the text; asks for changes; the council amends (by API); the moderator sees what
changed, confirms the check, publishes, and the public search finds it. Another time the council
amends while the moderator is deciding, and the moderator is told, and nothing is overwritten.
Every page passes axe-core, fits a phone's width, and works without JavaScript.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from testkit.factories import make_draft
from tests.browser.checks import ROOT_200, SIZES, adopt, check, fits, shoot, spaced, tab_to
from tests.browser.mail_site import Site, mail_site, operator, sign_in_moderator
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
FLAGGED = (
    "## The challenge\n\nChloe, 15, was missing from home most weekends and nobody knew why.\n\n"
    "## The solution\n\nA youth worker met her every week, and her school joined the plan.\n\n"
    "## The impact\n\nShe has not been missing since the spring."
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("moderation"), prepare=seeded_server) as site:
        yield site


def key(site: Site, *args: str) -> str:
    return operator(site, "keys", "create", *args).strip().splitlines()[-1]


class Council:
    """Leeds's case management system, which submits and amends through the API."""

    def __init__(self, site: Site) -> None:
        self.url = site.url
        secret = key(site, "--role", "council", "--council", "Leeds City Council")
        self.headers = {"Authorization": f"Bearer {secret}"}

    def submit(self, **fields: Any) -> dict[str, Any]:
        sent = httpx.post(
            f"{self.url}/api/v1/submissions",
            json=make_draft(**fields),
            headers=self.headers,
            timeout=30,
        )
        assert sent.status_code == 201, sent.text
        record: dict[str, Any] = sent.json()
        return record

    def amend(self, record_id: int, version: int, **fields: Any) -> None:
        headers = {**self.headers, "If-Match": f'"{version}"'}
        done = httpx.patch(
            f"{self.url}/api/v1/submissions/{record_id}", json=fields, headers=headers, timeout=30
        )
        assert done.status_code == 200, done.text


def decide(page: Page, button: str, words: str | None, confirm: str | None = None) -> None:
    """Press the decision's button on the review page, write the words, press it again."""
    tab_to(page, button)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation/submissions/\d+/[a-z-]+\?version=\d+$"))
    if words is not None:
        tab_to(page, "Back to the review", limit=80)
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.locator("#words").focus()
        page.keyboard.type(words)
    tab_to(page, confirm or button)
    page.keyboard.press("Enter")


def test_a_moderator_reviews_asks_for_changes_confirms_and_publishes(
    site: Site, browser: Browser
) -> None:
    council = Council(site)
    record = council.submit(title="Finding young people who go missing", body=FLAGGED)
    page = sign_in_moderator(site, browser, "moderator@campaign.example", "desk", True)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    shot = f"{site.shots}/desk"

    expect(page.locator("h1")).to_have_text("Moderation queue")
    expect(page.locator(".queue")).to_contain_text("Safeguarding: 1 found")
    check(page, f"{shot}-1-queue.png")
    # Forced colours (Windows high contrast) drop the shadow that marks the page shown and the
    # tags' fill: an underline and an outline take their place.
    page.emulate_media(forced_colors="active")
    style = "(e, name) => getComputedStyle(e)[name]"
    current = page.locator(".mod-nav a[aria-current=page]")
    assert current.evaluate(style, "textDecorationLine") == "underline"
    assert page.locator(".queue .status-tag").first.evaluate(style, "outlineStyle") == "solid"
    page.emulate_media(forced_colors="none")
    tab_to(page, "Finding young people who go missing")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/moderation/submissions/{record['id']}$"))
    expect(page.locator("mark.finding").filter(has_text="Chloe, 15, was missing")).to_be_visible()
    expect(page.locator(".diff")).to_contain_text("no earlier version")
    check(page, f"{shot}-2-review.png")
    page.set_viewport_size({"width": 320, "height": 256})  # 400% zoom, with WCAG's text spacing
    spaced(page)
    fits(page)  # the state tag on one line made it 348 px wide
    page.set_viewport_size({"width": 1280, "height": 900})
    decide(
        page,
        "Request changes",
        "Please say how many young people the worker met.",
        "Request changes",
    )
    expect(page.locator(".banner")).to_contain_text("Changes requested")
    check(page, f"{shot}-3-changes-requested.png")

    council.amend(
        record["id"],
        2,
        body=FLAGGED.replace("She has not", "Of the 12 young people the worker met, 10 have not"),
    )
    page.reload()
    expect(page.locator(".banner")).to_have_count(0)  # the request is no longer the news
    expect(page.locator("h2#decide-heading")).to_have_text("Decide on version 3")
    expect(page.locator(".diff-text ins").filter(has_text="12 young people")).to_be_visible()
    expect(page.locator(".diff-text del").filter(has_text="She")).to_be_visible()
    expect(page.locator("mark.finding")).to_have_count(2)  # the key, and the sentence
    expect(page.locator(".diff h3")).to_have_text(["The impact"])  # the section that changed,
    expect(page.locator(".diff-text")).not_to_contain_text("##")  # not as Markdown
    check(page, f"{shot}-4-review-amended.png")
    top = {"x": 0, "y": 0, "width": 1280, "height": 1800}  # the finding, the decisions, the diff
    shoot(page, path=f"{shot}-4-review-for-readme.png", full_page=True, clip=top)
    decide(page, "Confirm the safeguarding check", "Chloe is an invented name; agreed with Leeds.")
    expect(page.locator(".banner")).to_contain_text("Safeguarding check confirmed")
    expect(page.locator(".confirmed")).to_contain_text("Confirmed for version 3")
    decide(page, "Publish", "")
    expect(page.locator(".banner")).to_contain_text("Published: it is in search now")
    expect(page.locator(".history")).to_contain_text("Published")
    # Who did each thing: the moderator by the address the People page lists, not a number.
    expect(page.locator(".history")).to_contain_text("by moderator@campaign.example (moderator)")
    expect(page.locator(".history")).not_to_contain_text("moderator user")
    check(page, f"{shot}-5-published.png")
    page.set_viewport_size({"width": 390, "height": 844})
    check(page, f"{site.shots}/phone-5-published.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{site.url}/?q=%22Finding+young+people+who+go+missing%22")
    expect(page.locator(".results")).to_contain_text("Finding young people who go missing")
    assert errors == []
    page.context.close()


def test_a_decision_on_a_version_that_changed_is_not_applied(site: Site, browser: Browser) -> None:
    council = Council(site)
    record = council.submit(title="Kinship carers' evening classes")
    page = sign_in_moderator(site, browser, "second.moderator@campaign.example", "phone", False)
    shot = f"{site.shots}/phone"
    check(page, f"{shot}-1-queue.png", javascript=False)
    page.goto(f"{site.url}/moderation/submissions/{record['id']}")
    check(page, f"{shot}-2-review.png", javascript=False)
    tab_to(page, "Publish")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Publish this case study?")
    check(page, f"{shot}-3-confirm-publish.png", javascript=False)

    council.amend(record["id"], 1, summary="Evening classes for kinship carers, now with a crèche.")
    tab_to(page, "Publish")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Someone else changed this submission")
    expect(page.locator("main")).to_contain_text("You were looking at version 1")
    since = page.locator(".history li")  # what came first, and who
    expect(since).to_have_count(1)
    expect(since).to_contain_text("Amended")
    expect(since).to_contain_text("Leeds")
    check(page, f"{shot}-4-changed.png", javascript=False)
    tab_to(page, "Review version 2")
    page.keyboard.press("Enter")
    expect(page.locator(".diff-text ins").filter(has_text="crèche")).to_be_visible()
    expect(page.locator(".status-tag").first).to_have_text("Waiting for review")
    assert httpx.get(f"{site.url}/case-studies/{record['slug']}", timeout=30).status_code == 404
    page.context.close()


def also_changes_requested(page: Page) -> None:
    """In the queue's filters, just opened: Tab to the first state, tick the second as well by
    keyboard, and apply them."""
    page.keyboard.press("Tab")
    expect(page.locator("#state-submitted")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # Changes requested, as well
    tab_to(page, "Apply filters")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"state=submitted&state=changes_requested"))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_on_a_phone_the_queue_is_on_the_first_screen_and_its_filters_a_tap_away(
    site: Site, browser: Browser, javascript: bool
) -> None:
    """The filters filled a phone's first screen (the first submission was 1,060 px down): they
    wait behind "Filter", a disclosure that needs no script, and beside the queue at a desk."""
    Council(site).submit(title="Kinship carers' evenings in Leeds")
    email = f"phone.queue.{'js' if javascript else 'nojs'}@campaign.example"
    page = sign_in_moderator(site, browser, email, "phone", javascript)
    row = page.locator(".queue tbody tr").first
    expect(row).to_be_visible()
    assert row.bounding_box()["y"] < 600  # type: ignore[index]
    expect(page.locator("#state-submitted")).to_be_hidden()
    if javascript:
        check(page, f"{site.shots}/phone-queue.png")
    tab_to(page, "Filter (1 selected)")
    page.keyboard.press("Enter")
    said = page.locator(".queue-filter-panel")  # "Filter" once: not the panel's heading again
    assert re.findall(r"\bFilter\b", said.inner_text()) == ["Filter"]
    also_changes_requested(page)
    expect(page.locator(".queue-filter-panel summary")).to_have_text("Filter (2 selected)")
    expect(page.locator(".queue tbody tr").first).to_be_in_viewport()
    if javascript:
        check(page, f"{site.shots}/phone-queue-filtered.png")
    page.set_viewport_size(SIZES["desk"])  # type: ignore[arg-type]
    expect(page.locator(".queue-filter-panel summary")).to_be_hidden()
    expect(page.locator("#filter-heading")).to_be_visible()  # the panel's heading says it
    assert re.findall(r"\bFilter\b", said.inner_text()) == ["Filter"]
    expect(page.locator("#state-changes_requested")).to_be_visible()
    expect(page.locator("#state-changes_requested")).to_be_checked()
    if javascript:
        check(page, f"{site.shots}/desk-queue-filtered.png")
    page.context.close()


def test_the_queue_reflows_with_the_root_font_at_200_percent(site: Site, browser: Browser) -> None:
    """WCAG 1.4.4 by the root's font size, at 1280: the filters' sidebar and four columns ran to
    1,727 px (a media query's rem is the browser's first font size, not the root's). The queue
    takes its narrow layout, whose filters a keyboard still reaches behind "Filter"."""
    Council(site).submit(title="Kinship carers' Saturday drop-in at the family hub")
    page = sign_in_moderator(site, browser, "zoomed.queue@campaign.example", "desk", True)
    adopt(page, ROOT_200)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    fits(page)
    past = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getClientRects().length &&"
        " e.getBoundingClientRect().right > document.documentElement.clientWidth).length"
    )
    assert past == 0
    cells = page.locator(".queue tbody tr").first.locator("td")
    assert (
        cells.evaluate_all("cells => cells.map(c => getComputedStyle(c).display)") == ["block"] * 4
    )  # stacked, each cell saying what it is
    expect(page.locator(".queue .cell-label").first).to_be_visible()
    check(page, f"{site.shots}/desk-queue-root-200.png")
    tab_to(page, "Filter (1 selected)")
    page.keyboard.press("Enter")
    also_changes_requested(page)
    adopt(page, ROOT_200)
    fits(page)
    expect(page.locator(".queue-filter-panel summary")).to_have_text("Filter (2 selected)")
    page.context.close()


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_coverage_searches_keys_and_embeds_pass_axe(
    site: Site, browser: Browser, size: str
) -> None:
    for query in ("fostering", "care leavers", "zzz nothing here"):
        httpx.get(f"{site.url}/api/v1/search", params={"q": query}, timeout=30)
    key(site, "--role", "council", "--council", "City of York Council", "--label", "York's CRM")
    page = sign_in_moderator(site, browser, f"{size}.viewer@campaign.example", size, True)
    for path, heading in (
        ("/moderation/coverage", "Coverage"),
        ("/moderation/searches", "What practitioners search for"),
        ("/moderation/keys", "API keys"),
        ("/moderation/embeds", "Websites that embed the search"),
    ):
        page.goto(f"{site.url}{path}")
        expect(page.locator("h1")).to_have_text(heading)
        check(page, f"{site.shots}/{size}-{path.rsplit('/', 1)[1]}.png")
    page.context.close()


def test_a_web_editor_pastes_their_page_address_and_finds_the_code_on_a_phone(
    site: Site, browser: Browser
) -> None:
    """Without JavaScript, by keyboard: the address of the page the search will go on, pasted as
    it is, allows its website (it was a 422 asking for the address alone), and the page leads
    on to the code to paste."""
    page = sign_in_moderator(site, browser, "web.editor@campaign.example", "phone", False)
    tab_to(page, "Embedding")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation/embeds$"))
    page.locator("#origin").focus()
    page.keyboard.type("https://www.leeds.gov.uk/children-and-families/family-hubs")
    tab_to(page, "Allow website")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation/embeds\?added="))
    expect(page.locator(".banner")).to_contain_text(
        "https://www.leeds.gov.uk may now embed the search, on any of its pages"
    )
    expect(page.locator("main table")).to_contain_text("https://www.leeds.gov.uk")
    check(page, f"{site.shots}/phone-embeds-added.png", False)
    tab_to(page, "get the code from the search page", limit=40)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/#embed$"))
    page.locator("#embed > summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#embed-widget")).to_be_visible()
    expect(page.locator("#embed-widget")).to_contain_text("<case-study-search")
    page.context.close()


def test_what_anyone_typed_cannot_push_the_searches_page_sideways(
    site: Site, browser: Browser
) -> None:
    """A pasted web address is one long word: it wraps in its cells (the page scrolled 1,000 px
    sideways at a desk, and more at a phone's width), and a search of a NUL alone is not listed
    (it was an empty link, to axe)."""
    pasted = "https://www.example.gov.uk/" + "kinshipcaresupport" * 8  # nowhere to break
    for query in (pasted, "\x00"):
        httpx.get(f"{site.url}/", params={"q": query})
    page = sign_in_moderator(site, browser, "typed.viewer@campaign.example", "desk", True)
    listed = page.locator("main table", has_text=pasted)
    for _ in range(40):  # the service writes its counts every few seconds
        page.goto(f"{site.url}/moderation/searches")
        if listed.count():
            break
        page.wait_for_timeout(500)
    expect(listed.first).to_be_visible()
    check(page, f"{site.shots}/desk-searches-typed.png")
    page.set_viewport_size(SIZES["phone"])  # type: ignore[arg-type]
    check(page, f"{site.shots}/phone-searches-typed.png")
    page.context.close()
