"""The whole story of issue 20 in one real Chromium at a desk's width with JavaScript, nothing
done through the API: a moderator (the one account the operator makes) invites a council
officer from /people; the invitation arrives at a real SMTP server (aiosmtpd on 127.0.0.1); the
officer signs in from its link, starts at /submit, saves a draft that names a child next to their
age and sees the finding at those words, fixes it, checks the answers and submits; the email
saying so arrives. The moderator, in a browser of their own, finds it in the queue, reviews it
and asks for changes; the officer is emailed the message, amends from /my/submissions; the
moderator sees what changed, publishes, and anyone's search finds it by one of its words. The
officer's form and the review page pass axe-core with no violations; no page logs an error.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.checks import SIZES, accessible, check, script_errors, shoot, tab_to
from tests.browser.mail_site import Site, mail_site, sign_in_moderator
from tests.browser.test_moderation import decide
from tests.browser.test_submitting import FIXED, FLAGGED, fill_in, press, tick
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
OFFICER = "journey.officer@leeds.example"
TITLE = "Mentors for young people missing school"
MESSAGE = "Please say how many young people the mentors met."
AMENDED = "Of the 40 young people the mentors met, 31 went back to full-time lessons."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("journey"), prepare=seeded_server) as site:
        yield site


def news(site: Site, subject: str) -> EmailMessage:
    """The officer's email with this subject, once it has arrived. (Python folds a long subject
    whole onto a second line, and unfolding it keeps the space that began that line.)"""
    try:
        return site.smtp.inbox.wait_for(
            lambda m: m["To"] == OFFICER and m["Subject"].strip() == subject
        )
    except AssertionError:
        arrived = [(m["To"], m["Subject"]) for m in site.smtp.inbox.messages]
        raise AssertionError(f"no {subject!r} for the officer; arrived: {arrived}") from None


def link_to_page(mail: EmailMessage, site: Site) -> str:
    found = re.search(rf"{re.escape(site.url)}/\S+", mail.get_content())
    assert found, mail.get_content()
    return found.group(0)


def invite_officer(moderator: Page, site: Site) -> None:
    tab_to(moderator, "People")
    moderator.keyboard.press("Enter")
    moderator.wait_for_url(re.compile(r"/people$"))
    moderator.get_by_label("Email address", exact=True).fill(OFFICER)
    moderator.get_by_role("radio", name="Council officer").check()
    moderator.get_by_label("Council (for council officers)").fill("Leeds City Council")
    press(moderator, "Send invitation")
    expect(moderator.locator(".banner")).to_contain_text(f"Invitation sent to {OFFICER}")


def officer_submits(officer: Page, site: Site, shot: str) -> str:
    """From the account bar to the confirmation, by way of a flagged draft; the reference."""
    tab_to(officer, "Submit a case study")
    officer.keyboard.press("Enter")
    officer.wait_for_url(re.compile(r"/submit$"))
    expect(officer.locator("h2#safeguarding")).to_have_text("Keeping children safe")
    press(officer, "Start now")
    officer.wait_for_url(re.compile(r"/submit/new$"))
    fill_in(officer, FLAGGED)
    press(officer, "Save as draft")
    officer.wait_for_url(re.compile(r"/submit/drafts/\d+\?saved=true$"))
    expect(officer.locator(".banner")).to_contain_text("Your draft has been saved")
    finding = officer.locator("#solution-findings .finding-words")
    expect(finding).to_have_text("Chloe, 15, had missed most of Year 10.")
    expect(officer.locator("#solution-findings")).to_contain_text("names someone next to their age")
    accessible(officer)  # the officer's form, with its finding
    shoot(officer, path=f"{shot}-2-draft-with-finding.png", full_page=True)

    officer.get_by_label("The solution").fill(FIXED)
    expect(finding).to_have_count(0)  # gone as the officer writes
    press(officer, "Continue")
    tick(officer)  # the tags, on their own page
    officer.wait_for_url(re.compile(r"/submit/drafts/\d+/check$"))
    expect(officer.locator("mark.flag")).to_have_count(0)
    expect(officer.locator("#answer-solution")).to_contain_text(FIXED)
    shoot(officer, path=f"{shot}-3-check-answers.png", full_page=True)
    press(officer, "Submit")
    officer.wait_for_url(re.compile(r"/submit/sent/\d+$"))
    expect(officer.locator(".panel-title")).to_have_text("Case study submitted")
    reference = officer.locator(".panel-body strong").inner_text()
    assert re.fullmatch(r"BF-\d{5}", reference)
    return reference


def moderator_asks_for_changes(moderator: Page, reference: str, shot: str) -> None:
    tab_to(moderator, "Moderation")
    moderator.keyboard.press("Enter")
    moderator.wait_for_url(re.compile(r"/moderation$"))
    moderator.get_by_label("Council", exact=True).select_option("Leeds City Council")
    press(moderator, "Apply filters")
    moderator.wait_for_url(re.compile(r"/moderation\?.*council=Leeds"))
    expect(moderator.locator(".queue-count")).to_contain_text("1 submission")
    tab_to(moderator, TITLE)
    moderator.keyboard.press("Enter")
    moderator.wait_for_url(re.compile(r"/moderation/submissions/\d+$"))
    expect(moderator.locator("h2#decide-heading")).to_have_text("Decide on version 1")
    expect(moderator.locator(".review-facts")).to_contain_text(f"Reference{reference}")
    expect(moderator.locator(".diff")).to_contain_text("no earlier version")
    expect(moderator.locator("main")).to_contain_text(FIXED)
    check(moderator, f"{shot}-5-review.png")  # axe-core on the review page
    decide(moderator, "Request changes", MESSAGE)
    expect(moderator.locator(".banner")).to_contain_text("Changes requested")


def officer_amends(officer: Page, site: Site, reference: str, shot: str) -> None:
    mail = news(site, f"Changes requested to {TITLE}")
    assert MESSAGE in mail.get_content()
    officer.goto(link_to_page(mail, site))  # the link in the email, in the signed-in browser
    officer.wait_for_url(re.compile(r"/my/submissions/\d+$"))
    expect(officer.locator(".inset")).to_contain_text(MESSAGE)
    expect(officer.locator(".summary-list").first).to_contain_text("Changes requested")
    expect(officer.locator(".summary-list").first).to_contain_text(f"Reference{reference}")
    shoot(officer, path=f"{shot}-6-changes-requested.png", full_page=True)
    press(officer, "Change the case study")
    officer.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    expect(officer.locator("h1")).to_have_text("Change your case study")
    officer.get_by_label("The impact").fill(AMENDED)
    accessible(officer)  # the form again, amending
    press(officer, "Continue")
    officer.wait_for_url(re.compile(r"/tags$"))  # the tags it has, then the check
    accessible(officer)
    press(officer, "Continue")
    officer.wait_for_url(re.compile(r"/check$"))
    expect(officer.locator("#answer-impact")).to_contain_text(AMENDED)
    press(officer, "Send the changes")
    officer.wait_for_url(re.compile(r"/submit/sent/\d+$"))
    expect(officer.locator(".panel-title")).to_have_text("Changes sent")
    news(site, f"We have received the changes to {TITLE}")


def moderator_publishes(moderator: Page, site: Site, shot: str) -> None:
    moderator.reload()
    expect(moderator.locator("h2#decide-heading")).to_have_text("Decide on version 3")
    added = moderator.locator(".diff-text ins").filter(has_text="31 went back to full-time")
    expect(added).to_be_visible()
    expect(moderator.locator(".diff-text del").filter(has_text="Attendance rose")).to_be_visible()
    check(moderator, f"{shot}-7-review-amended.png")
    decide(moderator, "Publish", "")
    expect(moderator.locator(".banner")).to_contain_text("Published: it is in search now")
    expect(moderator.locator(".history")).to_contain_text("Published")


def test_invite_sign_in_submit_review_amend_publish_and_find(site: Site, browser: Browser) -> None:
    shot = f"{site.shots}/journey"
    moderator = sign_in_moderator(site, browser, "lead@campaign.example", "desk", True)
    moderator_errors = script_errors(moderator)
    invite_officer(moderator, site)

    invitation = site.smtp.inbox.link_to(OFFICER)
    officer_context = browser.new_context(viewport=SIZES["desk"])  # type: ignore[arg-type]
    officer = officer_context.new_page()
    officer_errors = script_errors(officer)
    officer.goto(invitation)
    tab_to(officer, "Sign in")
    officer.keyboard.press("Enter")
    officer.wait_for_url(re.compile(r"/my/submissions$"))
    shoot(officer, path=f"{shot}-1-signed-in.png", full_page=True)
    expect(officer.locator("footer").get_by_role("link", name="Sign in")).to_have_count(0)
    reference = officer_submits(officer, site, shot)
    received = news(site, f"We have received {TITLE}")
    assert "Leeds City Council submitted a case study" in received.get_content()

    moderator_asks_for_changes(moderator, reference, shot)
    officer_amends(officer, site, reference, shot)
    moderator_publishes(moderator, site, shot)
    news(site, f"{TITLE} is published")

    officer.goto(f"{site.url}/my/submissions")
    expect(officer.locator("table")).to_contain_text("Published")

    public = browser.new_context(viewport=SIZES["desk"])  # type: ignore[arg-type]
    reader = public.new_page()
    reader_errors = script_errors(reader)
    reader.goto(site.url)
    reader.get_by_label("Search good practice in children's services").fill("mentors")
    reader.keyboard.press("Enter")
    results = reader.locator(".results")
    expect(results).to_contain_text(TITLE)
    shoot(reader, path=f"{shot}-8-found.png", full_page=True)
    assert moderator_errors == officer_errors == reader_errors == []
    public.close()
    officer_context.close()
    moderator.context.close()
