"""Changing a case study of the campaign's own collection, in a real Chromium against a real
uvicorn serving the bundled collection, at a desk's width and a phone's, by keyboard: an admin
finds it in the stale list, opens its changes page, changes it in the councils' form (a title
left empty gets the error summary), checks and sends the changes, while the public page still
shows the published text, and their own review of the changes offers no Publish button (another
moderator must); a moderator finds the changes among the proposed changes, publishes
them at the review, and the public page shows them. Every page passes axe-core with no
violations and fits the screen.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from testkit.smtp import link_in
from tests.browser.checks import SIZES, check, script_errors, tab_to
from tests.browser.mail_site import Site, mail_site, operator, sign_in_moderator
from tests.browser.test_amending import key
from tests.browser.test_submitting import press
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
ROW = {"desk": 0, "phone": 1}  # each size changes a different case study


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("campaign"), prepare=seeded_server) as site:
        yield site


def sign_in_admin(site: Site, browser: Browser, email: str, size: str) -> Page:
    """Invite an admin on the command line and sign them in, by keyboard, from the mail."""
    operator(site, "users", "invite", email, "--role", "admin")
    page = browser.new_context(viewport=SIZES[size]).new_page()  # type: ignore[arg-type]
    page.goto(link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email)))
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation$"))
    return page


@pytest.mark.parametrize("size", ["desk", "phone"])
def test_an_admin_changes_a_campaign_case_study_and_a_moderator_publishes_it(
    site: Site, browser: Browser, size: str
) -> None:
    shot = f"{site.shots}/campaign-{size}"
    page = sign_in_admin(site, browser, f"admin-{size}@campaign.example", size)
    errors = script_errors(page)
    page.goto(f"{site.url}/moderation/stale")
    row = page.locator("tbody tr").nth(ROW[size])
    title = row.locator("a").first.inner_text()
    public = row.locator("a").first.get_attribute("href")
    summary = " ".join(
        page.context.request.get(f"{site.url}/api/v1{public}").json()["summary"].split()
    )
    check(page, f"{shot}-1-stale-list.png")
    tab_to(page, f"Changes to “{title}”", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation/case-studies/\d+/changes$"))
    expect(page.locator("h1")).to_have_text(f"Changes to “{title}”")
    check(page, f"{shot}-2-changes-page.png")

    tab_to(page, "Change the case study")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    expect(page.locator("h1")).to_have_text("Change the campaign's case study")
    expect(page.get_by_label("Title")).to_have_value(title)
    page.get_by_label("Title").fill("")
    press(page, "Continue")
    expect(page.locator(".error-summary")).to_contain_text("Enter a title")
    expect(page.locator(".error-summary")).to_be_focused()
    check(page, f"{shot}-3-error-summary.png")
    page.get_by_role("link", name="Enter a title").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Title")).to_be_focused()
    page.keyboard.type(title)
    new_summary = f"{summary.rstrip('.')}; now with a Saturday drop-in ({size})."
    page.get_by_label("Summary").fill(new_summary)
    check(page, f"{shot}-4-form.png")
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+/tags$"))  # the tags it has
    expect(page.locator("h1")).to_have_text("Change the tags")
    expect(page.locator("#themes-group input:checked").first).to_be_visible()
    check(page, f"{shot}-4b-tags.png")
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/check$"))
    expect(page.locator("main")).to_contain_text("A moderator reviews the changes")
    check(page, f"{shot}-5-check.png")
    press(page, "Send the changes")
    page.wait_for_url(re.compile(r"/submit/sent/\d+$"))
    expect(page.locator(".panel-title")).to_have_text("Changes sent")
    check(page, f"{shot}-6-sent.png")
    press(page, "the case study's changes page")
    expect(page.locator("#changes + dl")).to_contain_text("Waiting for review")
    changes_url = page.url
    review_link = (
        page.get_by_role("link", name="The moderators' review of the changes").get_attribute("href")
        or ""
    )
    check(page, f"{shot}-7-waiting.png")
    press(page, "The moderators' review of the changes")  # the admin wrote them: no Publish
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+$"))
    expect(page.locator(".own-work")).to_contain_text("another moderator must check them")
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Reject changes", exact=True)).to_have_count(1)
    check(page, f"{shot}-7b-own-review.png")
    page.goto(f"{site.url}{public}")  # the public still reads the published text
    expect(page.locator("main")).not_to_contain_text("Saturday drop-in")

    # A draft of the changes, then the changes change under it: the page says so.
    page.goto(changes_url)
    press(page, "Change the changes")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    amendment = re.findall(r"/moderation/amendments/(\d+)", review_link)[0]
    admin_key = {"Authorization": f"Bearer {key(site, '--role', 'admin')}"}
    url = f"{site.url}/api/v1/amendments/{amendment}"
    version = httpx.get(url, headers=admin_key, timeout=30).headers["etag"]
    moved = httpx.patch(
        url,
        json={"programme": "Family Toolbox Alliance"},
        headers={**admin_key, "If-Match": version},
        timeout=30,
    )
    assert moved.status_code == 200, moved.text
    page.goto(changes_url)
    expect(page.locator(".warning-text")).to_contain_text("cannot be sent")
    check(page, f"{shot}-8-draft-out-of-date.png")
    # The form with what to fix answers 422, which Chromium logs as a failed load: not a script's.
    assert [e for e in errors if "status of 422" not in e] == []
    page.context.close()

    page = sign_in_moderator(site, browser, f"moderator-{size}@campaign.example", size, True)
    page.goto(f"{site.url}/moderation/amendments")
    press(page, title)
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+$"))
    expect(page.locator(".caption")).to_contain_text("The campaign's collection")
    expect(page.locator(".diff-text ins").filter(has_text="Saturday").first).to_be_visible()
    check(page, f"{shot}-9-review.png")
    press(page, "Publish")
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+/publish\?version=\d+$"))
    press(page, "Publish")
    page.wait_for_url(re.compile(r"/moderation/amendments/\d+\?done=publish$"))
    page.goto(f"{site.url}{public}")
    expect(page.locator("main")).to_contain_text("Saturday drop-in")
    page.context.close()
