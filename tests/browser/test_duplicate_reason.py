"""An officer whose case study closely matches a published one is warned, and told to "tell the
moderators why both should stand": the form gives a place to say it, beside the warning. At a
phone's width without JavaScript the officer writes the reason by keyboard, one too long is
refused with what to fix and nothing typed is lost, check your answers lists it, and a moderator
at a desk's width reads it on the review page beside the published case study it resembles.
With JavaScript the place appears as the warning does, as the officer writes.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else nowhere.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.checks import check, script_errors, shoot
from tests.browser.mail_site import Site, mail_site, sign_in_moderator
from tests.browser.test_submitting import officer, press, tick
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
# The bundled bristol-foster-carer-recruitment has this title: a close match.
TITLE = "Improving foster carer recruitment"
REASON = "Ours recruits carers for teenagers in Leeds, three years after Bristol's campaign."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("duplicate-reason"), prepare=seeded_server) as site:
        yield site


def write(page: Page) -> None:
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill(
        "Leeds found out what motivates people to foster teenagers, and ran a social media "
        "campaign to recruit foster carers."
    )
    page.get_by_label("Yorkshire and the Humber").check()
    page.get_by_label("The challenge").fill("Too few foster carers would take teenagers.")
    page.get_by_label("The solution").fill("A recruitment campaign aimed at teenagers' carers.")
    page.get_by_label("The impact").fill("More carers for teenagers came forward.")


def shoot_between(page: Page, top: str, bottom: str, path: str) -> None:
    """A screenshot from one element to another, for people to look at a part of a long page."""
    first, last = page.locator(top).bounding_box(), page.locator(bottom).bounding_box()
    assert first is not None and last is not None
    height = last["y"] + last["height"] - first["y"] + 40
    scrolled = page.evaluate("window.scrollY")  # the boxes are the viewport's
    clip = {
        "x": 0,
        "y": max(first["y"] + scrolled - 20, 0),
        "width": page.viewport_size["width"],
        "height": height,
    }  # type: ignore[index]
    shoot(page, path=path, clip=clip, full_page=True)


@pytest.mark.parametrize(("size", "javascript"), [("phone", False), ("desk", True)])
def test_an_officer_says_why_both_should_stand_and_the_moderator_reads_it(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    page = officer(site, browser, f"twin.{size}@leeds.example", size, javascript)
    errors = script_errors(page)
    shot = f"{site.shots}/{size}-reason"
    page.goto(f"{site.url}/submit/new")
    group = page.locator("#duplicate_reason-group")
    expect(group).to_be_hidden()  # nothing to explain before there is a close match
    write(page)
    warning = page.locator("#duplicates .warning-text")
    if javascript:  # the place to say why arrives with the warning, as the officer writes
        expect(warning).to_contain_text("bristol-foster-carer-recruitment")
    else:  # the warning and the place to say why, on saving
        press(page, "Save as draft")
        page.wait_for_url(re.compile(r"/submit/drafts/\d+\?saved=true$"))
        expect(warning).to_contain_text("bristol-foster-carer-recruitment")
    expect(warning).to_contain_text("tell the moderators why both should stand")
    expect(group).to_be_visible()
    expect(page.get_by_label("Why should both case studies stand? (optional)")).to_be_visible()
    expect(group.locator(".form-hint").first).to_contain_text("never published")
    check(page, f"{shot}-1-warned.png", javascript)
    shoot_between(page, "#summary", "#duplicate_reason-info", f"{shot}-1-warned-part.png")

    # Too long: refused, with what to fix, and every word typed is still there.
    too_long = REASON + " " + "More. " * 340
    page.locator("#duplicate_reason").fill(too_long)
    press(page, "Continue")
    expect(page.locator(".error-summary")).to_contain_text(
        "Why both should stand must be 2,000 characters or fewer"
    )
    expect(page.locator("#duplicate_reason")).to_have_value(too_long)
    expect(page.locator("#title")).to_have_value(TITLE)
    check(page, f"{shot}-2-too-long.png", javascript)
    shoot_between(page, ".error-summary", ".error-summary", f"{shot}-2-summary-part.png")
    shoot_between(page, "#duplicates", "#duplicate_reason-info", f"{shot}-2-too-long-part.png")
    page.get_by_role("link", name="Why both should stand must be 2,000 characters or fewer").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#duplicate_reason")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(REASON)
    press(page, "Continue")
    tick(page)

    expect(page.locator("#answer-duplicate_reason")).to_contain_text(REASON)
    check(page, f"{shot}-3-check-answers.png", javascript)
    shoot_between(page, "#duplicates", "#answer-duplicate_reason", f"{shot}-3-check-part.png")
    press(page, "Submit")
    page.wait_for_url(re.compile(r"/submit/sent/\d+$"))
    record = page.url.rsplit("/", 1)[1]
    assert errors == [] or all("422" in e for e in errors)  # the form with its error
    page.context.close()

    moderator = sign_in_moderator(site, browser, f"reader.{size}@campaign.example", "desk", True)
    moderator.goto(f"{site.url}/moderation/submissions/{record}")
    panel = moderator.locator("section[aria-labelledby=duplicates-heading]")
    expect(panel).to_contain_text("bristol-foster-carer-recruitment")
    expect(panel.locator(".duplicate-reason")).to_have_text(REASON)
    check(moderator, f"{shot}-4-moderator-review.png")
    panel.scroll_into_view_if_needed()
    shoot(panel, path=f"{shot}-4-moderator-panel.png")
    moderator.context.close()
