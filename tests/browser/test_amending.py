"""Changing a published case study, in a real Chromium, at a desk's width with JavaScript and at
a phone's without, by keyboard: the council officer opens their published case study, changes
it in the form they submit with, checks and sends the changes, and sees them waiting while the
public page still shows the published text; the moderator finds the proposed changes from the
queue, sees what they change against the published version, publishes them, and the public
page shows them. Every page passes axe-core (with JavaScript) and fits the screen.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from testkit.factories import make_draft
from testkit.smtp import link_in
from tests.browser.checks import SIZES, check, script_errors, tab_to
from tests.browser.mail_site import Site, mail_site, operator, sign_in_moderator
from tests.browser.test_submitting import press
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
NEW_SUMMARY = "A hub that gives kinship carers advice, training, quokka walks and peer support."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("amending"), prepare=seeded_server) as site:
        yield site


def key(site: Site, *args: str) -> str:
    return operator(site, "keys", "create", *args).strip().splitlines()[-1]


def published(site: Site, title: str) -> dict[str, str]:
    council = key(site, "--role", "council", "--council", "Leeds City Council")
    leeds = {"Authorization": f"Bearer {council}"}
    moderator = {"Authorization": f"Bearer {key(site, '--role', 'moderator')}"}
    sent = httpx.post(
        f"{site.url}/api/v1/submissions", json=make_draft(title=title), headers=leeds, timeout=30
    )
    done = httpx.post(
        f"{site.url}/api/v1/moderation/{sent.json()['id']}/publish", headers=moderator, timeout=30
    )
    assert done.status_code == 200, done.text
    record: dict[str, str] = done.json()
    return record


def officer(site: Site, browser: Browser, email: str, size: str, javascript: bool) -> Page:
    operator(site, "users", "invite", email, "--role", "council", "--council", "Leeds City Council")
    context = browser.new_context(viewport=SIZES[size], java_script_enabled=javascript)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email)))
    press(page, "Sign in")
    page.wait_for_url(re.compile(r"/my/submissions$"))
    return page


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_an_officer_changes_a_published_case_study_and_a_moderator_publishes_the_changes(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    title = f"Kinship carers support hub ({size})"
    record = published(site, title)
    public = f"{site.url}/case-studies/{record['slug']}"
    shot = f"{site.shots}/{size}"
    page = officer(site, browser, f"officer-{size}@leeds.example", size, javascript)
    errors = script_errors(page)

    page.goto(f"{site.url}/my/submissions/{record['id']}")
    expect(page.locator("main")).to_contain_text("stays on the site, as it is now")
    check(page, f"{shot}-1-published.png", javascript)
    press(page, "Change the case study")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    expect(page.locator("h1")).to_have_text("Change your case study")
    page.get_by_label("Summary").fill(NEW_SUMMARY)
    check(page, f"{shot}-2-form.png", javascript)
    # The case study is written: the way on is after this section, a few Tabs on, not at the
    # end of the writing; it goes to the tags, as a new case study's Continue does (it went
    # past them, to the check).
    tab_to(page, "Continue to the tags", limit=12)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tags$"))
    expect(page.locator("h1")).to_have_text("Change the tags")
    # The tags it has, ticked, in view; the other themes folded away: the page was 6,758 px at
    # 390 wide and 4,545 at 1280, every box with its hint, and Continue 60 Tabs down.
    expect(page.locator("#themes-group input:checked").first).to_be_visible()
    expect(page.locator("#themes-more")).not_to_have_attribute("open", "")
    expect(page.locator("#themes-more input").first).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < {"phone": 2_600, "desk": 2_000}[size], height
    check(page, f"{shot}-2b-change-tags.png", javascript)
    tab_to(page, "Continue", limit=25)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/check$"))
    check(page, f"{shot}-3-check.png", javascript)
    press(page, "Send the changes")
    page.wait_for_url(re.compile(rf"/submit/sent/{record['id']}$"))
    expect(page.locator(".panel-title")).to_have_text("Changes sent")
    expect(page.locator("main")).to_contain_text("The published case study stays on the site")
    check(page, f"{shot}-4-sent.png", javascript)

    page.goto(f"{site.url}/my/submissions/{record['id']}")
    expect(page.locator("main")).to_contain_text("Your changes to the published case study")
    expect(page.locator("main")).to_contain_text("Waiting for review")
    check(page, f"{shot}-5-waiting.png", javascript)
    page.goto(public)  # the public still reads the published text
    expect(page.locator("main")).to_contain_text(record["summary"])
    expect(page.locator("main")).not_to_contain_text("quokka")
    assert errors == []
    page.context.close()

    page = sign_in_moderator(site, browser, f"moderator-{size}@campaign.example", size, javascript)
    expect(page.locator(".notice")).to_contain_text("1 proposed change to published case studies")
    press(page, "1 proposed change to published case studies")
    page.wait_for_url(re.compile(r"/moderation/amendments$"))
    check(page, f"{shot}-6-proposed-changes.png", javascript)
    press(page, title)
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+$"))
    expect(page.locator(".diff-text ins").filter(has_text="quokka")).to_be_visible()
    expect(page.locator(".review-facts")).to_contain_text("stays public until you publish")
    # The link to the published version says where it goes: its title, not its path.
    published_link = page.locator(".review-facts a[href^='/case-studies/']")
    expect(published_link).to_have_text(title)
    expect(published_link).to_have_attribute("href", f"/case-studies/{record['slug']}")
    check(page, f"{shot}-7-review.png", javascript)
    # What changed is named at the top, and its link goes to the changes, which follow the
    # whole case study (2,300 px down on a phone, for a short one).
    expect(page.locator(".review-facts")).to_contain_text("Summary (see what changed)")
    press(page, "see what changed")
    expect(page.locator("#diff-heading")).to_be_in_viewport()
    page.goto(page.url.split("#")[0])
    press(page, "Publish")
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+/publish\?version=1$"))
    check(page, f"{shot}-8-confirm.png", javascript)
    press(page, "Publish")
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+\?done=publish$"))
    expect(page.locator(".banner")).to_contain_text("the case study shows the changes now")
    check(page, f"{shot}-9-published.png", javascript)

    page.goto(public)
    expect(page.locator("main")).to_contain_text("quokka walks")
    page.context.close()


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_an_officer_is_told_before_a_draft_left_behind_is_replaced(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    """A colleague proposes changes over the API while this officer's draft waits: the page
    warns that the draft cannot be sent and links to it, to copy from."""
    record = published(site, f"Family hubs outreach ({size})")
    page = officer(site, browser, f"drafter-{size}@leeds.example", size, javascript)
    page.goto(f"{site.url}/my/submissions/{record['id']}")
    press(page, "Change the case study")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    draft = page.url
    council = key(site, "--role", "council", "--council", "Leeds City Council")
    proposed = httpx.post(
        f"{site.url}/api/v1/submissions/{record['id']}/amendments",
        json={"summary": NEW_SUMMARY},
        headers={"Authorization": f"Bearer {council}"},
        timeout=30,
    )
    assert proposed.status_code == 201, proposed.text
    page.goto(f"{site.url}/my/submissions/{record['id']}")
    warning = page.locator(".warning-text")
    expect(warning).to_contain_text("cannot be sent")
    check(page, f"{site.shots}/{size}-draft-left-behind.png", javascript)
    warning.get_by_role("link", name="Open the old draft").click()
    page.wait_for_url(draft)
    page.context.close()


WORDS = {
    "Request changes": "What should the council change?",
    "Reject changes": "Why is it rejected?",
}


def moderator_decides(
    page: Page, site: Site, title: str, decision: str, words: str, shot: str, javascript: bool
) -> None:
    """From the list of proposed changes open them, press the decision, say why, confirm."""
    page.goto(f"{site.url}/moderation/amendments")
    press(page, title)
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+$"))
    check(page, f"{shot}-review.png", javascript)
    press(page, decision)
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+/[a-z-]+\?version=\d+$"))
    page.get_by_label(WORDS[decision]).fill(words)
    check(page, f"{shot}-confirm.png", javascript)
    press(page, decision)
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+\?done=[a-z-]+$"))


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_a_moderator_asks_for_changes_the_officer_resends_then_the_moderator_rejects(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    title = f"Kinship carers advice line ({size})"
    record = published(site, title)
    public = f"{site.url}/case-studies/{record['slug']}"
    shot = f"{site.shots}/sendback-{size}"
    leeds = key(site, "--role", "council", "--council", "Leeds City Council")
    sent = httpx.post(
        f"{site.url}/api/v1/submissions/{record['id']}/amendments",
        json={"summary": NEW_SUMMARY},
        headers={"Authorization": f"Bearer {leeds}"},
        timeout=30,
    )
    assert sent.status_code == 201, sent.text

    email = f"asker-{size}@campaign.example"
    moderator = sign_in_moderator(site, browser, email, size, javascript)
    errors = script_errors(moderator)
    asked = "Say which park the walks are in."
    moderator_decides(moderator, site, title, "Request changes", asked, f"{shot}-1", javascript)
    expect(moderator.locator(".banner")).to_contain_text("the council can see your message")
    expect(moderator.locator("#decide-heading")).to_have_text(
        "Decide on version 2 of these changes"
    )
    check(moderator, f"{shot}-2-asked.png", javascript)

    page = officer(site, browser, f"resender-{size}@leeds.example", size, javascript)
    errors += script_errors(page)
    expect(page.locator("h2#changes_sent_back")).to_have_text("Proposed changes sent back to you")
    expect(page.locator("tr").filter(has_text=title).first).to_contain_text(
        "Changes proposed: Changes requested"
    )
    check(page, f"{shot}-3-list.png", javascript)
    press(page, f"See the changes to {title}")
    page.wait_for_url(re.compile(rf"/my/submissions/{record['id']}#changes$"))
    expect(page.locator("main")).to_contain_text(asked)
    check(page, f"{shot}-4-asked.png", javascript)
    press(page, "Change your changes")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    page.get_by_label("Summary").fill(NEW_SUMMARY.replace("walks", "walks in Roundhay Park"))
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/tags$"))  # the tags it has, on their own page
    expect(page.locator("h1")).to_have_text("Change the tags")
    check(page, f"{shot}-4b-tags.png", javascript)
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/check$"))
    press(page, "Send the changes")
    page.wait_for_url(re.compile(rf"/submit/sent/{record['id']}$"))
    page.goto(f"{site.url}/my/submissions")
    expect(page.locator("tr").filter(has_text=title)).to_contain_text(
        "Changes proposed: Waiting for review"
    )

    rejected = "The published summary is clearer."
    moderator_decides(moderator, site, title, "Reject changes", rejected, f"{shot}-5", javascript)
    expect(moderator.locator(".banner")).to_contain_text("the published version stays as it is")
    expect(moderator.locator("#decide-heading")).to_have_text("Rejected")
    expect(moderator.locator(".review-facts")).to_contain_text("Rejected on")
    expect(moderator.locator(".review-facts")).not_to_contain_text("stays public until")
    expect(moderator.locator(".decisions")).to_have_count(0)
    expect(moderator.locator(".diff-text ins").filter(has_text="Roundhay")).to_be_visible()
    check(moderator, f"{shot}-6-rejected.png", javascript)

    page.goto(public)  # the public page is as it was published
    expect(page.locator("main")).to_contain_text(record["summary"])
    expect(page.locator("main")).not_to_contain_text("quokka")
    page.goto(f"{site.url}/my/submissions/{record['id']}")
    expect(page.locator("main")).to_contain_text(rejected)
    check(page, f"{shot}-7-officer-rejected.png", javascript)
    assert errors == []
    moderator.context.close()
    page.context.close()
