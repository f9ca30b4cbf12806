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
from tests.browser.checks import SIZES, check, script_errors
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
    sent = httpx.post(f"{site.url}/api/v1/submissions", json=make_draft(title=title), headers=leeds)
    done = httpx.post(
        f"{site.url}/api/v1/moderation/{sent.json()['id']}/publish", headers=moderator
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
    press(page, "Continue")
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
    check(page, f"{shot}-7-review.png", javascript)
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
