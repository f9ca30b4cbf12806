"""A council officer submits without help, in a real Chromium, at a desk's width with JavaScript
and at a phone's without: sign in from the invitation's link, read the guidance, write a draft
that names a child next to their age, see the finding at those words (as they write, with
JavaScript; on saving, without), check the answers with the words marked, fix them, submit, see
the reference, and find the submission in their list; the confirmation email arrives at a real
SMTP server. Every page passes axe-core with no violations, fits the screen and logs no errors.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from testkit.factories import make_draft
from testkit.smtp import link_in
from tests.browser.checks import (
    SIZES,
    accessible,
    check,
    fits,
    script_errors,
    shoot,
    tab_to,
)
from tests.browser.mail_site import Site, mail_site, operator
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
FLAGGED = "Chloe, 15, had missed most of Year 10. A mentor met her every week."
FIXED = "A 15-year-old girl had missed most of a school year. A mentor met her every week."
# The labels of the theme boxes the text suggests (the hint on each box says so).
SUGGESTED_THEMES = "#themes-group .radio:has(.tag-suggested) .radio-label"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("submitting"), prepare=seeded_server) as site:
        yield site


def press(page: Page, name: str) -> None:
    """Focus a button or link by its name and press Enter, as a keyboard user does."""
    page.get_by_role("button", name=name, exact=True).or_(
        page.get_by_role("link", name=name, exact=True)
    ).first.focus()
    page.keyboard.press("Enter")


def fill_in(page: Page, solution: str) -> None:
    page.get_by_label("Title").fill("Mentors for young people missing school")
    page.get_by_label("Summary").fill(
        "Volunteer mentors help teenagers who miss school to get back to lessons."
    )
    page.get_by_label("Yorkshire and the Humber").check()
    page.get_by_label("The challenge").fill("Too many teenagers missed school for weeks.")
    page.get_by_label("The solution").fill(solution)
    page.get_by_label("The impact").fill("Attendance rose for most of the young people.")
    page.get_by_label("Measured outcomes").fill("Persistent absence fell from 30% to 18%")


def tick_three_tags(page: Page) -> None:
    """By keyboard: the first priority shown, the 11-16 age band, and Fostering, which is among
    the themes the text does not suggest (behind "Show the other N themes")."""
    page.locator("#priority_areas").focus()
    page.keyboard.press("Space")
    page.get_by_label("11-16").focus()
    page.keyboard.press("Space")
    page.locator("#themes-more summary").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Fostering", exact=True).focus()
    page.keyboard.press("Space")


def tick(page: Page) -> None:
    """The tags page, after the writing: a priority, an age band and a theme, by keyboard, and
    Continue; the check follows."""
    page.wait_for_url(re.compile(r"/submit/drafts/\d+/tags$"))
    tick_three_tags(page)
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+/check$"))


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_an_officer_submits_a_case_study_without_help(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    email = f"writer.{size}@leeds.example"
    operator(site, "users", "invite", email, "--role", "council", "--council", "Leeds City Council")
    link = link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email))
    context = browser.new_context(viewport=SIZES[size], java_script_enabled=javascript)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    shot = f"{site.shots}/{size}"

    def looked_at(name: str) -> None:
        fits(page)
        if javascript:
            accessible(page)
        shoot(page, path=f"{shot}-{name}.png", full_page=True)

    page.goto(link)
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/submissions$"))
    tab_to(page, "Submit a case study")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/submit$"))  # the guidance, before any typing
    expect(page.locator("h2#safeguarding")).to_have_text("Keeping children safe")
    expect(page.locator("textarea")).to_have_count(0)
    looked_at("1-guidance")
    tab_to(page, "Start now")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/submit/new$"))
    fill_in(page, FLAGGED)
    finding = page.locator("#solution-findings .finding-words")
    if javascript:  # the help arrives as the officer writes
        expect(finding).to_have_text("Chloe, 15, had missed most of Year 10.")
        expect(page.locator("#summary-info")).to_have_text("You have 728 characters remaining")
    else:
        expect(finding).to_have_count(0)
        press(page, "Save as draft")
        page.wait_for_url(re.compile(r"/submit/drafts/\d+\?saved=true$"))
        expect(page.locator(".banner")).to_contain_text("Your draft has been saved")
        expect(finding).to_have_text("Chloe, 15, had missed most of Year 10.")
    expect(page.locator("#solution-findings")).to_contain_text("names someone next to their age")
    looked_at("2-form-with-finding")
    page.locator("label[for=solution]").scroll_into_view_if_needed()
    shoot(page, path=f"{shot}-2-form-finding-in-view.png")
    # The writing page ends at its last field: Continue is the next Tab, no tag boxes between.
    expect(page.locator("input[type=checkbox]")).to_have_count(0)
    page.locator("#source_url").focus()
    tab_to(page, "Continue", limit=1)
    page.keyboard.press("Enter")

    # The tags, a page of their own, with what the saved text suggests (without JavaScript too).
    page.wait_for_url(re.compile(r"/submit/drafts/\d+/tags$"))
    expect(page.locator("h1")).to_have_text("Tag your case study")
    expect(page.locator("textarea")).to_have_count(0)
    # The priorities and themes the text suggests are boxes in view, each marked so; the rest
    # wait behind a details, closed (no script needed): every box with its hint made it
    # 8,975 px at 390.
    suggested = page.locator(SUGGESTED_THEMES).first.inner_text()
    expect(page.get_by_label(suggested, exact=True)).to_be_visible()
    expect(page.locator("#themes-more")).not_to_have_attribute("open", "")
    expect(page.get_by_label("Fostering", exact=True)).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < {"phone": 6_000, "desk": 3_600}[size], height
    looked_at("2b-tags")
    tick(page)

    page.wait_for_url(re.compile(r"/submit/drafts/\d+/check$"))
    expect(page.locator("h1")).to_have_text("Check your answers before submitting your case study")
    expect(page.locator("mark.flag")).to_have_text("Chloe, 15, had missed most of Year 10.")
    expect(page.locator(".finding--summary h2")).to_contain_text("found 1 passage to look at")
    looked_at("3-check-answers-flagged")
    page.locator("#answer-solution a").focus()  # "Change the solution"
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/submit/drafts/\d+\?checking=true#solution$"))
    # The field, with what it asks still in sight above it (the browser put the field at the
    # top of the screen and its label and hint above, out of sight).
    expect(page.locator("#solution")).to_be_focused()
    expect(page.locator("label[for=solution]")).to_be_in_viewport()
    page.get_by_label("The solution").fill(FIXED)
    if javascript:
        expect(finding).to_have_count(0)
    # Back to the check by the writing page's Continue, a few Tabs on.
    tab_to(page, "Continue", limit=12)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/check$"))
    expect(page.locator("mark.flag")).to_have_count(0)
    expect(page.locator("#answer-solution")).to_contain_text(FIXED)
    looked_at("4-check-answers")
    # "Change priority areas" lands on the group, with its question in view and focus on it,
    # though the tags the text suggests put the first box a screen below (the browser put that
    # box at the top and the question out of sight); the next Tab is the first box.
    expect(page.locator("#answer-priority_areas")).to_contain_text("Your text also suggests")
    page.locator("#answer-priority_areas a").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+/tags\?checking=true#priority_areas-group$"))
    expect(page.locator("#priority_areas-group")).to_be_focused()
    expect(page.locator("#priority_areas-group legend")).to_be_in_viewport()
    shoot(page, path=f"{shot}-4-change-priority-areas.png")
    page.keyboard.press("Tab")
    expect(page.locator("#priority_areas")).to_be_focused()
    looked_at("4b-change-tags")
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/check$"))
    draft_address = page.url.removesuffix("/check")
    press(page, "Submit")

    page.wait_for_url(re.compile(r"/submit/sent/\d+$"))
    expect(page.locator(".panel-title")).to_have_text("Case study submitted")
    reference = page.locator(".panel-body strong").inner_text()
    assert re.fullmatch(r"BF-\d{5}", reference)
    looked_at("5-confirmation")
    tab_to(page, "its page in your submissions")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/submissions/\d+$"))
    expect(page.locator(".summary-list").first).to_contain_text("Waiting for review")
    looked_at("6-submission")
    mail = site.smtp.inbox.wait_for(lambda m: m["To"] == email and "received" in m["Subject"])
    assert mail["Subject"] == "We have received Mentors for young people missing school"
    assert errors == []
    if size == "phone":  # at 400% zoom (320 px): the list's three columns and its state tag
        page.set_viewport_size({"width": 320, "height": 256})
        page.goto(f"{site.url}/my/submissions")
        expect(page.locator(".status-tag").first).to_have_text("Waiting for review")
        fits(page)  # "Waiting for review" on one line made it 371 px wide
    # A bookmark to the draft, now sent: it says so (a 404, which Chromium logs), and opens
    # no other draft.
    page.goto(draft_address)
    expect(page.locator("h1")).to_have_text("This draft is not here")
    expect(page.locator("main").get_by_text("is in your submissions")).to_be_visible()
    looked_at("7-old-draft-address")
    context.close()


def test_an_officer_fixes_errors_makes_requested_changes_and_withdraws(
    site: Site, browser: Browser
) -> None:
    """The other pages, each with axe-core: the error summary, a submission with the
    moderators' message, the amendment through the same form, and withdrawing."""
    email = "amender@leeds.example"
    operator(site, "users", "invite", email, "--role", "council", "--council", "Leeds City Council")
    key = operator(site, "keys", "create", "--role", "council", "--council", "Leeds City Council")
    moderator = operator(site, "keys", "create", "--role", "moderator").strip().splitlines()[-1]
    leeds = {"Authorization": f"Bearer {key.strip().splitlines()[-1]}"}
    sent = httpx.post(
        f"{site.url}/api/v1/submissions", json=make_draft(), headers=leeds, timeout=30
    )
    other = httpx.post(
        f"{site.url}/api/v1/submissions",
        json=make_draft(title="Second hub"),
        headers=leeds,
        timeout=30,
    )
    record, second = sent.json()["id"], other.json()["id"]
    message = "Please say how many carers the hub supported."
    asked = httpx.post(
        f"{site.url}/api/v1/moderation/{record}/request-changes",
        json={"message": message},
        headers={"Authorization": f"Bearer {moderator}"},
        timeout=30,
    )
    assert asked.status_code == 200, asked.text
    link = link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email))
    context = browser.new_context(viewport=SIZES["desk"])  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    shot = f"{site.shots}/desk"

    def looked_at(name: str) -> None:
        fits(page)
        accessible(page)
        shoot(page, path=f"{shot}-{name}.png", full_page=True)

    page.goto(link)
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/submissions$"))
    page.goto(f"{site.url}/submit/new")
    page.get_by_label("The solution").fill(FIXED)  # the tags it suggests sit above the boxes
    press(page, "Continue")  # nothing else filled in
    expect(page.locator(".error-summary")).to_contain_text("Enter a title")
    expect(page.locator(".error-summary")).not_to_contain_text("theme")  # the tags' own page
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    looked_at("7-form-errors")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's first link takes focus to its field
    assert page.evaluate("document.activeElement.id") == "title"
    draft = page.locator("form.draft-form").get_attribute("action")
    # ...and brings its label, hint and message into view: the browser alone put the field at
    # the top of the screen and them above it, out of sight (a phone's screen, here).
    # On the tags page, a tag group's link goes to the group, its question and message in view
    # (its first box is a screen below, past the tags the text suggests), with JavaScript and
    # without.
    page.set_viewport_size(SIZES["phone"])  # type: ignore[arg-type]
    bare = browser.new_context(
        viewport=SIZES["phone"],  # type: ignore[arg-type]
        java_script_enabled=False,
        storage_state=context.storage_state(),
    ).new_page()
    bare.goto(f"{site.url}/submit/new")
    bare.get_by_label("The solution").fill(FIXED)
    press(bare, "Continue")
    expect(bare.locator(".error-summary")).to_contain_text("Enter the challenge")
    drafts = {page: draft, bare: bare.locator("form.draft-form").get_attribute("action")}
    for each in (page, bare):
        summary = each.locator(".error-summary")
        summary.get_by_role("link", name="Enter the challenge").focus()
        each.keyboard.press("Enter")
        expect(each.locator("#challenge")).to_be_focused()
        expect(each.locator("label[for=challenge]")).to_be_in_viewport()
        expect(each.locator("#challenge-error")).to_be_in_viewport()
        each.goto(f"{site.url}{drafts[each]}/tags")
        press(each, "Continue")  # nothing ticked
        summary = each.locator(".error-summary")
        expect(summary).to_contain_text("Select at least one theme")
        expect(summary).not_to_contain_text("Enter a title")  # the writing page's
        summary.get_by_role("link", name="Select at least one theme").focus()
        each.keyboard.press("Enter")
        expect(each.locator("#themes-group")).to_be_focused()
        expect(each.locator("#themes-group legend")).to_be_in_viewport()
        expect(each.locator("#themes-error")).to_be_in_viewport()
        expect(each.locator(SUGGESTED_THEMES).first).to_be_visible()
        # A group with an error shows every box, its details open without a script.
        expect(each.locator("#themes-more")).to_have_attribute("open", "")
        expect(each.get_by_label("Fostering", exact=True)).to_be_visible()
    looked_at("7b-tags-errors")
    bare.context.close()
    page.set_viewport_size(SIZES["desk"])  # type: ignore[arg-type]

    page.goto(f"{site.url}/my/submissions/{record}")
    expect(page.locator(".inset")).to_contain_text(message)
    looked_at("8-changes-requested")
    press(page, "Change the case study")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    expect(page.locator("h1")).to_have_text("Change your case study")
    page.get_by_label("The impact").fill("The hub supported 95 carers in its first year.")
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/tags$"))  # the tags the case study has, then the check
    expect(page.locator("h1")).to_have_text("Change the tags")
    expect(page.locator("#themes-group input:checked").first).to_be_visible()
    looked_at("9a-change-tags")
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/check$"))
    expect(page.locator("#answer-impact")).to_contain_text("95 carers")
    looked_at("9-check-changes")
    press(page, "Send the changes")
    page.wait_for_url(re.compile(rf"/submit/sent/{record}$"))
    expect(page.locator(".panel-title")).to_have_text("Changes sent")
    looked_at("10-changes-sent")

    page.goto(f"{site.url}/my/submissions/{second}")
    press(page, "Withdraw it")
    page.wait_for_url(re.compile(r"/withdraw$"))
    looked_at("11-withdraw")
    press(page, "Withdraw it")
    page.wait_for_url(re.compile(rf"/my/submissions/{second}\?withdrawn=true$"))
    expect(page.locator(".banner")).to_contain_text("You have withdrawn this case study")
    expect(page.locator(".summary-list").first).to_contain_text("Withdrawn")
    looked_at("12-withdrawn")
    refused = "Failed to load resource: the server responded with a status of 422"
    assert [e for e in errors if not e.startswith(refused)] == []  # the form with its errors
    context.close()


def officer(site: Site, browser: Browser, email: str, size: str, javascript: bool) -> Page:
    """A Leeds officer, invited and signed in by keyboard from the mailed link."""
    operator(site, "users", "invite", email, "--role", "council", "--council", "Leeds City Council")
    link = link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email))
    context = browser.new_context(viewport=SIZES[size], java_script_enabled=javascript)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(link)
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/submissions$"))
    return page


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_back_to_the_writing_keeps_the_ticks_and_each_suggestion_is_named_once(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    """An officer ticks tags, goes "Back to the writing" to fix a sentence and comes back: the
    ticks are still there (the back link was a link, and lost them). On the tags page each tag
    the text suggests is named once, on its own box, marked "Suggested" (it was named in a list
    above the boxes, and again on its box)."""
    page = officer(site, browser, f"ticker.{size}@leeds.example", size, javascript)
    errors = script_errors(page)
    page.goto(f"{site.url}/submit/new")
    fill_in(page, FIXED)
    press(page, "Continue")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+/tags$"))
    tags = page.url

    expect(page.locator(".suggestions")).to_have_count(0)
    suggested = page.locator(SUGGESTED_THEMES).all_inner_texts()
    assert suggested
    for label in suggested:  # named once on the page, the suggestion marked on its box
        expect(page.locator("main").get_by_text(label, exact=True)).to_have_count(1)
        box = page.get_by_label(label, exact=True)
        expect(box).not_to_be_checked()
        assert "-suggested" in (box.get_attribute("aria-describedby") or "")  # read with it
    if javascript:
        accessible(page)
    shoot(page, path=f"{site.shots}/{size}-tags-suggested-once.png", full_page=True)

    page.get_by_label(suggested[0], exact=True).focus()
    page.keyboard.press("Space")
    tick_three_tags(page)
    press(page, "Back to the writing")
    page.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    expect(page.locator("h1")).to_have_text("Write your case study")
    page.get_by_label("The impact").fill("Attendance rose for 41 of the 52 young people.")
    press(page, "Continue")

    page.wait_for_url(tags)
    for label in (suggested[0], "Fostering"):
        expect(page.get_by_label(label, exact=True)).to_be_checked()
    expect(page.get_by_label("11-16")).to_be_checked()
    expect(page.locator("#priority_areas")).to_be_checked()
    expect(page.get_by_label("Fostering", exact=True)).to_be_visible()  # ticked: not folded
    shoot(page, path=f"{site.shots}/{size}-tags-kept.png", full_page=True)
    page.get_by_label("Fostering", exact=True).focus()
    page.keyboard.press("Enter")  # submits the form by its default button: Continue, not Back
    page.wait_for_url(re.compile(r"/check$"))
    expect(page.locator("#answer-impact")).to_contain_text("41 of the 52")
    expect(page.locator("#answer-themes")).to_contain_text("Fostering")
    assert errors == []
    page.context.close()


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_words_sent_after_the_session_ended_are_shown_back_to_copy(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    """An officer writes for longer than a session lasts and presses "Save as draft": the form
    is refused (its check belonged to the session), and the words were lost, since going back
    found the sign-in page. The refusal shows them back, each in a box to copy from."""
    page = officer(site, browser, f"slow.{size}@leeds.example", size, javascript)
    page.goto(f"{site.url}/submit/new")
    page.get_by_label("Title").fill("An hour of writing")
    page.get_by_label("The solution").fill(FIXED + "\nA second line.")
    page.context.clear_cookies()  # the session ended meanwhile
    press(page, "Save as draft")
    expect(page.locator("h1")).to_have_text("This form has expired")
    expect(page.get_by_label("Title")).to_have_value("An hour of writing")
    expect(page.get_by_label("Solution")).to_have_value(FIXED + "\nA second line.")
    expect(page.get_by_role("link", name="Sign in again")).to_be_visible()
    check(page, f"{site.shots}/{size}-form-expired-words-kept.png", javascript)
    page.context.close()
