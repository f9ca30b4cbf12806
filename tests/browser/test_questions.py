"""The questions a case study helps answer, from the officer who types them to the reader who
finds it by them, in a real Chromium at a desk's width with JavaScript and at a phone's without:
the officer types them one a line (bullets on some, blank lines between), sees them on check
your answers as the list that will be published (a finding marked in its line, and quoted
without its bullet above), changes them, sends, reads them in their submission and back one a
line when they start a change; the moderator reads them before publishing and publishes; a
search for words only a question holds finds the case study, with that question as the
snippet, and its page lists them at the end.
Every page passes axe-core (with JavaScript), fits the screen and logs no errors.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from testkit.smtp import link_in
from tests.browser.checks import SIZES, check, script_errors, tab_to
from tests.browser.mail_site import Site, mail_site, operator, sign_in_moderator
from tests.browser.test_moderation import decide
from tests.browser.test_submitting import FIXED, fill_in, press, tick
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser
TYPED = (
    "- my lad keeps skiving off school, who can help?\n"
    "* how can volunteers help teenagers back into lessons\n"
    "\n"
    "  - Chloe, 15, had missed most of Year 10, what helps?\n"
)
FIRST = [
    "my lad keeps skiving off school, who can help?",
    "how can volunteers help teenagers back into lessons",
    "Chloe, 15, had missed most of Year 10, what helps?",
]
NOW = [*FIRST[:2], "reducing persistent absence in secondary schools without exclusions"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("questions"), prepare=seeded_server) as site:
        yield site


def questions_on(page: Page, where: str) -> None:
    """The list under the heading "Questions it helps answer" in `where` is NOW."""
    listed = page.locator(f"{where} h2:text-is('Questions it helps answer') + ul > li")
    expect(listed).to_have_text(NOW)


def officer_writes_and_sends(page: Page, title: str, shot: str, javascript: bool) -> str:
    """From the form to the submission's own page, changing the questions on the way."""
    page.get_by_label("Title").fill(title)  # fill_in's, but this title: one case study a size
    page.locator("#questions").focus()
    page.keyboard.type(TYPED)
    page.locator("#source_url").focus()
    tab_to(page, "Continue", limit=1)
    page.keyboard.press("Enter")
    tick(page)
    answer = page.locator("#answer-questions")
    expect(answer.locator("li")).to_have_text(FIRST)  # as published: no bullets, no blank line
    expect(answer.locator("li mark.flag")).to_have_text(FIRST[2])
    # The findings at the top quote the question's words, not the bullet typed before them
    found = page.get_by_role("region", name="The safeguarding check found 1 passage to look at")
    expect(found.locator("li q")).to_have_text(FIRST[2])
    check(page, f"{shot}-1-check.png", javascript)

    answer.get_by_role("link").focus()  # "Change questions it helps answer"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"\?checking=true#questions$"))
    expect(page.locator("#questions")).to_be_focused()
    page.locator("#questions").fill(TYPED.replace(f"  - {FIRST[2]}", f"- {NOW[2]}"))
    tab_to(page, "Continue", limit=12)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/check$"))
    expect(answer.locator("li")).to_have_text(NOW)
    expect(page.locator("mark.flag")).to_have_count(0)
    press(page, "Submit")
    page.wait_for_url(re.compile(r"/submit/sent/\d+$"))
    tab_to(page, "its page in your submissions")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/submissions/\d+$"))
    questions_on(page, "main")
    check(page, f"{shot}-2-submission.png", javascript)
    return page.url


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_questions_typed_by_an_officer_are_reviewed_published_and_found(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    email, title = f"asker.{size}@leeds.example", f"Mentors for pupils who miss school ({size})"
    operator(site, "users", "invite", email, "--role", "council", "--council", "Leeds City Council")
    context = browser.new_context(viewport=SIZES[size], java_script_enabled=javascript)  # type: ignore[arg-type]
    officer = context.new_page()
    errors = script_errors(officer)
    shot = f"{site.shots}/questions-{size}"
    officer.goto(link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email)))
    tab_to(officer, "Sign in")
    officer.keyboard.press("Enter")
    officer.wait_for_url(re.compile(r"/my/submissions$"))
    officer.goto(f"{site.url}/submit/new")
    fill_in(officer, FIXED)
    own = officer_writes_and_sends(officer, title, shot, javascript)

    press(officer, "Change the case study")  # back in the form one a line, as sent
    officer.wait_for_url(re.compile(r"/submit/drafts/\d+$"))
    expect(officer.locator("#questions")).to_have_value("\n".join(NOW))
    check(officer, f"{shot}-3-change.png", javascript)

    moderator = sign_in_moderator(site, browser, f"mod.{size}@campaign.example", size, javascript)
    errors += script_errors(moderator)
    moderator.goto(own.replace("/my/submissions/", "/moderation/submissions/"))
    questions_on(moderator, "main")  # read before it is published
    check(moderator, f"{shot}-4-review.png", javascript)
    decide(moderator, "Publish", "")
    expect(moderator.locator(".banner")).to_contain_text("Published: it is in search now")

    reader = browser.new_context(viewport=SIZES[size], java_script_enabled=javascript)  # type: ignore[arg-type]
    page = reader.new_page()
    errors += script_errors(page)
    page.goto(site.url)
    page.get_by_label("Search good practice in children's services").fill("skiving off school")
    page.keyboard.press("Enter")
    found = page.locator(".hit").filter(has_text=title)
    # The question is why it was found, and the snippet says it is a question, not the story.
    expect(found.locator(".snippet")).to_have_text(f"Helps answer: {NOW[0]}")
    check(page, f"{shot}-5-found.png", javascript)
    found.get_by_role("link", name=title).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/case-studies/leeds-"))
    questions_on(page, "main")
    check(page, f"{shot}-6-case-study.png", javascript)
    assert errors == []
    for opened in (reader, moderator.context, context):
        opened.close()
