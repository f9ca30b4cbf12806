"""An officer changing a published case study so that it closely matches another published one
is warned, as for a new case study, and now has the same place to tell the moderators why both
should stand: at a phone's width without JavaScript and at a desk's with it, by keyboard, the
reason is written, listed on check your answers, shown back on the officer's own page, read by
the moderator beside the match on the review of the changes, and on no public page once the
changes are published.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else nowhere.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.checks import check, script_errors, tab_to
from tests.browser.mail_site import Site, mail_site, sign_in_moderator
from tests.browser.test_amending import officer, published
from tests.browser.test_duplicate_reason import TITLE
from tests.browser.test_submitting import press
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
REASON = "Ours is for teenagers' carers in Leeds, three years after Bristol's campaign."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("amendment-reason"), prepare=seeded_server) as site:
        yield site


@pytest.mark.parametrize(("size", "javascript"), [("phone", False), ("desk", True)])
def test_an_officer_says_why_changes_should_stand_and_the_moderator_reads_it(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    record = published(site, f"Kinship carers support hub ({size})")
    shot = f"{site.shots}/{size}-amendment-reason"
    page = officer(site, browser, f"changer-{size}@leeds.example", size, javascript)
    errors = script_errors(page)
    page.goto(f"{site.url}/my/submissions/{record['id']}")
    press(page, "Change the case study")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    page.get_by_label("Title").fill(TITLE)
    group = page.locator("#duplicate_reason-group")
    if not javascript:  # the warning, and the place to say why, come on saving
        press(page, "Save as draft")
        page.wait_for_url(re.compile(r"/submit/drafts/\d+\?saved=true$"))
    expect(page.locator("#duplicates .warning-text")).to_contain_text(
        "bristol-foster-carer-recruitment"
    )
    expect(group).to_be_visible()
    page.get_by_label("Summary").focus()  # the place to say why is a few Tabs after it
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "duplicate_reason":
            break
    expect(page.get_by_label("Why should both case studies stand? (optional)")).to_be_focused()
    page.keyboard.type(REASON)
    check(page, f"{shot}-1-form.png", javascript)
    tab_to(page, "Continue to the tags", limit=20)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tags$"))
    tab_to(page, "Continue", limit=25)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/check$"))
    expect(page.locator("#answer-duplicate_reason")).to_contain_text(REASON)
    check(page, f"{shot}-2-check.png", javascript)
    press(page, "Send the changes")
    page.wait_for_url(re.compile(rf"/submit/sent/{record['id']}$"))

    page.goto(f"{site.url}/my/submissions/{record['id']}")
    expect(page.locator("#reason-changes")).to_contain_text(REASON)
    check(page, f"{shot}-3-own-page.png", javascript)
    assert errors == []
    page.context.close()

    moderator = sign_in_moderator(site, browser, f"mod-{size}@campaign.example", size, javascript)
    press(moderator, "1 proposed change to published case studies")
    press(moderator, record["title"])  # listed by the published title
    moderator.wait_for_url(re.compile(r"/moderation/amendments/\d+$"))
    panel = moderator.locator("section[aria-labelledby=duplicates-heading]")
    expect(panel).to_contain_text("bristol-foster-carer-recruitment")
    expect(panel.locator(".duplicate-reason")).to_have_text(REASON)
    check(moderator, f"{shot}-4-review.png", javascript)
    press(moderator, "Publish")
    moderator.wait_for_url(re.compile(r"/publish\?version=\d+$"))
    press(moderator, "Publish")
    moderator.wait_for_url(re.compile(r"\?done=publish$"))
    moderator.goto(f"{site.url}/case-studies/{record['slug']}")
    expect(moderator.locator("h1")).to_have_text(TITLE)
    expect(moderator.locator("body")).not_to_contain_text("three years after Bristol's")
    moderator.context.close()
