"""A council officer reads again what they sent, on their submission's page, in a real Chromium
at a desk's width and a phone's, with JavaScript off (and on, for axe-core), by keyboard: the
case study they sent, then the changes they proposed to a published one, still there once the
moderators rejected them. Each page fits the screen and its story's table scrolls in its own
region.

Screenshots go to $SHOTS_DIR when it is set (for people to look at), else to a temporary folder.
"""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, expect

from testkit.factories import make_draft
from tests.api.test_my_submission_as_sent import BODY
from tests.browser.checks import check, tab_to
from tests.browser.mail_site import Site, mail_site
from tests.browser.test_amending import key, officer
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[Site]:
    with mail_site(tmp_path_factory.mktemp("as-sent"), prepare=seeded_server) as site:
        yield site


@pytest.mark.parametrize(
    ("size", "javascript"), [("desk", False), ("phone", False), ("desk", True)]
)
def test_an_officer_reads_what_they_sent_and_what_they_proposed(
    site: Site, browser: Browser, size: str, javascript: bool
) -> None:
    council = key(site, "--role", "council", "--council", "Leeds City Council")
    leeds = {"Authorization": f"Bearer {council}"}
    moderator = {"Authorization": f"Bearer {key(site, '--role', 'moderator')}"}
    api = f"{site.url}/api/v1"
    title = f"Kinship hub sent ({size}, {javascript})"
    sent = httpx.post(f"{api}/submissions", json=make_draft(title=title, body=BODY), headers=leeds)
    assert sent.status_code == 201, sent.text

    page = officer(
        site, browser, f"officer12-{size}-{str(javascript).lower()}@leeds.example", size, javascript
    )
    tab_to(page, title)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/my/submissions/{sent.json()['id']}")
    shown = page.locator(".as-sent")
    expect(shown.get_by_role("heading", name="What you sent")).to_be_visible()
    expect(shown.locator(".plain-words")).to_contain_text("look after a relative's child")
    expect(shown.locator(".table-scroll table")).to_be_visible()
    check(page, site.shots / f"as-sent-new-{size}-{'js' if javascript else 'nojs'}.png", javascript)

    live = f"Kinship hub live ({size}, {javascript})"
    record = httpx.post(f"{api}/submissions", json=make_draft(title=live), headers=leeds).json()
    done = httpx.post(f"{api}/moderation/{record['id']}/publish", headers=moderator)
    assert done.status_code == 200, done.text
    proposed = httpx.post(
        f"{api}/submissions/{record['id']}/amendments",
        json={"summary": "A hub with advice, training and quokka walks."},
        headers=leeds,
    )
    assert proposed.status_code == 201, proposed.text
    page.goto(f"{site.url}/my/submissions/{record['id']}")
    expect(shown.get_by_role("heading", name="The changes you proposed")).to_be_visible()
    expect(shown).to_contain_text("quokka walks")
    check(
        page,
        site.shots / f"as-sent-changes-{size}-{'js' if javascript else 'nojs'}.png",
        javascript,
    )

    # Rejected, the changes are still there to read, beside the moderators' reason
    reason = "The summary should say who the hub is for."
    rejected = httpx.post(
        f"{api}/moderation/amendments/{proposed.json()['id']}/reject",
        json={"reason": reason},
        headers=moderator,
    )
    assert rejected.status_code == 200, rejected.text
    page.reload()
    expect(shown.get_by_role("heading", name="The changes you proposed")).to_be_visible()
    expect(shown).to_contain_text("quokka walks")
    expect(shown).to_contain_text("They were not published")
    expect(page.locator(".inset", has_text="Why they were not published")).to_contain_text(reason)
    check(
        page,
        site.shots / f"as-sent-rejected-{size}-{'js' if javascript else 'nojs'}.png",
        javascript,
    )
