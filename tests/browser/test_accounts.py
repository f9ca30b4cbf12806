"""Signing in, in a real Chromium by keyboard alone, at a desk's width and a phone's, with and
without JavaScript: the operator invites an officer on the command line, the invitation arrives
at a real SMTP server (aiosmtpd on 127.0.0.1), the officer opens its link, presses Sign in, sees
their council's submissions and one's history, and signs out. A moderator invites from /people.
Every page passes axe-core with no violations at all and logs no console errors.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlmodel import Session

from app.store.db import make_engine
from app.store.users import invite_user
from testkit.factories import make_draft
from testkit.smtp import link_in
from tests.browser.checks import SIZES, accessible, check, script_errors, shoot, tab_to
from tests.browser.mail_site import Site, mail_site, operator, sign_in_moderator
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("accounts"), prepare=seeded_server) as site:
        submissions_for_leeds(site)
        yield site


def submissions_for_leeds(site: Site) -> None:
    """Leeds's system submits a case study by API key; a moderator asks for changes."""
    leeds = (
        operator(site, "keys", "create", "--role", "council", "--council", "Leeds City Council")
        .strip()
        .splitlines()[-1]
    )
    moderator = operator(site, "keys", "create", "--role", "moderator").strip().splitlines()[-1]
    draft = make_draft(title="Kinship carers' hub in Leeds")
    sent = httpx.post(
        f"{site.url}/api/v1/submissions",
        json=draft,
        headers={"Authorization": f"Bearer {leeds}"},
        timeout=30,
    )
    assert sent.status_code == 201, sent.text
    asked = httpx.post(
        f"{site.url}/api/v1/moderation/{sent.json()['id']}/request-changes",
        json={"message": "Please add the number of carers supported before the hub opened."},
        headers={"Authorization": f"Bearer {moderator}"},
        timeout=30,
    )
    assert asked.status_code == 200, asked.text


@pytest.mark.parametrize(("size", "javascript"), [("desk", True), ("phone", False)])
def test_an_invited_officer_signs_in_by_keyboard_and_signs_out(
    site: Site,
    browser: Browser,
    size: str,
    javascript: bool,
) -> None:
    email = f"officer.{size}@leeds.example"
    printed = operator(
        site, "users", "invite", email, "--role", "council", "--council", "Leeds City Council"
    )
    # The running service's mail loop may send it before the command does: either is right.
    assert f"Invited {email}" in printed
    assert "Mail delivered: 127.0.0.1:" in printed or "the running service will send it" in printed
    mail = site.smtp.inbox.wait_for(lambda m: m["To"] == email)
    assert mail["Subject"] == "You have an account on Bright Futures case study search"
    link = link_in(mail)
    assert link.startswith(f"{site.url}/sign-in/confirm?token=")

    context = browser.new_context(viewport=SIZES[size], java_script_enabled=javascript)  # type: ignore[arg-type]
    page = context.new_page()
    errors = script_errors(page)
    shot = f"{site.shots}/{size}"

    page.goto(link)  # opening the link changes nothing yet
    expect(page.locator("h1")).to_have_text("Sign in to Bright Futures case study search")
    shoot(page, path=f"{shot}-1-confirm.png", full_page=True)
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/my/submissions$"))
    expect(page.locator("h1")).to_have_text("Your submissions")
    expect(page.locator(".account-bar")).to_contain_text(email)
    expect(page.locator("table")).to_contain_text("Changes requested")
    check(page, f"{shot}-2-my-submissions.png", javascript)
    tab_to(page, "Kinship carers' hub in Leeds")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/my/submissions/\d+$"))
    expect(page.locator(".inset")).to_contain_text("number of carers supported")
    expect(page.locator(".history li")).to_have_count(2)
    check(page, f"{shot}-3-submission.png", javascript)
    tab_to(page, "Sign out")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/signed-out$"))
    expect(page.locator("h1")).to_have_text("You have signed out")
    shoot(page, path=f"{shot}-4-signed-out.png", full_page=True)
    assert errors == []
    page.goto(f"{site.url}/my/submissions")
    page.wait_for_url(re.compile(r"/sign-in\?next="))  # the session is over
    if javascript:
        accessible(page)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("This link does not work")  # it worked once
    context.close()


def test_signing_in_again_from_the_sign_in_page(site: Site, browser: Browser) -> None:
    email = "returning@leeds.example"
    operator(site, "users", "invite", email, "--role", "council", "--council", "Leeds City Council")
    context = browser.new_context(viewport=SIZES["phone"])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(f"{site.url}/councils")
    check(page, f"{site.shots}/phone-councils.png")
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sign-in$"))
    tab_to(page, "Email me a sign-in link")  # an empty address first
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text("Enter your email address")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.className") == "error-summary"
    accessible(page)
    shoot(page, path=f"{site.shots}/phone-sign-in-error.png", full_page=True)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the summary's link takes focus to the field
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sign-in/check-email$"))
    expect(page.locator("h1")).to_have_text("Check your email")
    accessible(page)
    shoot(page, path=f"{site.shots}/phone-check-email.png", full_page=True)
    page.goto(link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == email, count=2)))
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/my/submissions$"))
    context.close()


def test_a_moderator_invites_and_revokes_from_the_people_page(
    site: Site,
    browser: Browser,
) -> None:
    moderator = "moderator@campaign.example"
    operator(site, "users", "invite", moderator, "--role", "moderator")
    context = browser.new_context(viewport=SIZES["desk"])  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == moderator)))
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation$"))  # a moderator starts at the queue
    tab_to(page, "People")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/people$"))
    accessible(page)

    tab_to(page, "Send invitation")  # nothing filled in: every problem is listed
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary li")).to_have_count(2)
    accessible(page)
    shoot(page, path=f"{site.shots}/desk-people-errors.png", full_page=True)

    page.keyboard.press("Tab")  # from the summary (focused) to its first link
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type("new.officer@york.example")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first role: council officer
    page.keyboard.press("Tab")  # the radios are one stop; next, the council
    assert page.evaluate("document.activeElement.id") == "council"
    page.keyboard.type("City of York Council")
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text("Invitation sent to new.officer@york.example")
    accessible(page)
    shoot(page, path=f"{site.shots}/desk-people-invited.png", full_page=True)
    mail = site.smtp.inbox.wait_for(lambda m: m["To"] == "new.officer@york.example")
    assert "submit case studies for City of York Council" in mail.get_content()

    tab_to(page, "Revoke new.officer@york.example's access")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Revoke new.officer@york.example's access?")
    accessible(page)
    shoot(page, path=f"{site.shots}/desk-revoke.png", full_page=True)
    tab_to(page, "Revoke access")
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(
        "new.officer@york.example can no longer sign in"
    )
    page.goto(link_in(mail))
    expect(page.locator("h1")).to_have_text("This link does not work")
    context.close()


def test_on_a_phone_a_role_is_changed_by_revoking_and_inviting_again(
    site: Site, browser: Browser
) -> None:
    """A work address is long: it wraps in the error and in the revoke page's heading, which
    scrolled sideways at 390 px; the error says how a role is changed, since no form does."""
    moderator = "phone.moderator@campaign.example"
    officer = "firstname.lastname.officer@northyorkshire.example"  # 49, no hyphen
    operator(site, "users", "invite", moderator, "--role", "moderator")
    operator(site, "users", "invite", officer, "--role", "council", "--council", "York")
    context = browser.new_context(viewport=SIZES["phone"], java_script_enabled=False)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(link_in(site.smtp.inbox.wait_for(lambda m: m["To"] == moderator)))
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/moderation$"))
    page.goto(f"{site.url}/people")
    # The accounts' search is on the first screen, above the invitation form (an admin who
    # came to revoke someone had to scroll past that form), and a link leads to the form.
    found, invite = page.locator("#find").bounding_box(), page.locator("#email").bounding_box()
    assert found and invite, (found, invite)
    assert found["y"] + found["height"] < min(844, invite["y"]), (found, invite)

    tab_to(page, "Invite someone")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type(officer)
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # from council officer to moderator
    tab_to(page, "Send invitation")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_contain_text(
        f"{officer} already has an account as a council officer at York (invited, not yet"
        " signed in). To change their role, revoke their access, then invite them again."
    )
    check(page, f"{site.shots}/phone-people-already.png", javascript=False)

    # Found by part of the address, not by scrolling through everyone to the one to revoke.
    page.locator("#find").focus()
    page.keyboard.type("northyorkshire")
    page.keyboard.press("Enter")
    expect(page.locator(".person-email")).to_have_text([officer])
    expect(page.locator("[role=status]")).to_contain_text(re.compile(r"1 of \d+ accounts matches"))
    check(page, f"{site.shots}/phone-people-found.png", javascript=False)

    tab_to(page, f"Revoke {officer}'s access")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(f"Revoke {officer}'s access?")
    check(page, f"{site.shots}/phone-revoke-long-address.png", javascript=False)
    tab_to(page, "Revoke access")
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(f"{officer} can no longer sign in")
    check(page, f"{site.shots}/phone-revoked.png", javascript=False)

    page.locator("#email").focus()
    page.keyboard.type(officer)
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Send invitation")
    page.keyboard.press("Enter")
    expect(page.locator(".banner")).to_contain_text(f"Invitation sent to {officer}")
    mail = site.smtp.inbox.wait_for(lambda m: m["To"] == officer, count=2)
    assert "review councils' case studies, publish them" in mail.get_content()
    scripted = browser.new_context(
        viewport=SIZES["phone"],  # type: ignore[arg-type]
        storage_state=context.storage_state(),  # type: ignore[arg-type]
    )
    again = scripted.new_page()  # the same pages through axe, signed in as before
    revoke = page.get_by_role("link", name=f"Revoke {officer}'s access").get_attribute("href")
    for path in ["/people", f"{revoke}"]:
        again.goto(f"{site.url}{path}")
        accessible(again)
    scripted.close()
    context.close()


def test_on_a_phone_the_people_page_is_paged_and_each_person_short(
    site: Site, browser: Browser
) -> None:
    """27 people were 7,500 px at 390 wide, one tall card each (every label above its value):
    now 25 to a page, label beside value, and Next by keyboard, without JavaScript."""
    engine = make_engine(site.env["DATABASE_URL"])
    with Session(engine) as session:  # many accounts, as the operator's invitations make them
        for n in range(30):
            invite_user(session, f"zz.officer{n:02d}@wakefield.example", "council", "Wakefield", "")
        session.commit()
    engine.dispose()
    page = sign_in_moderator(site, browser, "pager.moderator@campaign.example", "phone", False)
    context = page.context
    page.goto(f"{site.url}/people")
    expect(page.locator(".person")).to_have_count(25)
    expect(page.get_by_text(re.compile(r"^Showing 1 to 25 of \d+ accounts"))).to_have_count(1)
    card = page.locator(".person").first.bounding_box()
    assert card and card["height"] < 220, card  # it was over 300
    check(page, f"{site.shots}/phone-people-paged.png", javascript=False)
    tab_to(page, "Next page", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/people\?page=2$"))
    last = page.locator(".person-email", has_text="zz.officer29@wakefield.example")
    expect(last).to_have_count(1)  # (the revoked come after everyone)
    check(page, f"{site.shots}/phone-people-page-2.png", javascript=False)
    scripted = browser.new_context(
        viewport=SIZES["phone"],  # type: ignore[arg-type]
        storage_state=context.storage_state(),  # type: ignore[arg-type]
    )
    again = scripted.new_page()
    again.goto(f"{site.url}/people?page=2")
    accessible(again)
    scripted.close()
    context.close()


# The characters that begin each line of an element's text after the first, as laid out.
LINE_STARTS = """e => {
  const starts = [];
  const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
  let top = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      if (top !== null && box.top > top + 2) starts.push(node.data[i]);
      top = box.top;
    }
  }
  return starts;
}"""


def test_on_a_phone_a_long_address_wraps_before_its_at_or_a_dot(
    site: Site, browser: Browser
) -> None:
    """At 390 px the account bar broke the address anywhere ("moderator.phone@campaign.exampl",
    "e"). It wraps before the @ or a dot, in the bar and on the People page."""
    moderator = "moderator.phone@campaign.example"
    page = sign_in_moderator(site, browser, moderator, "phone", True)
    bar = page.locator(".account-who strong")
    expect(bar).to_have_text(moderator)
    starts = bar.evaluate(LINE_STARTS)
    assert starts and set(starts) <= {"@", "."}, starts  # it does wrap, and only there
    page.goto(f"{site.url}/people?find={moderator}")
    card = page.locator(".person-email", has_text=moderator)
    expect(card).to_have_text(moderator)
    assert set(card.evaluate(LINE_STARTS)) <= {"@", "."}
    check(page, f"{site.shots}/phone-long-address.png")
    page.context.close()
