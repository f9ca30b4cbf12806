"""Case studies that stay current, through HTTP and a real SMTP server: `last_reviewed` in the
API, the CSV and the feed; sort=reviewed; the "May be out of date" badge; the "Is this still
current?" reminder, once per period, and both of its answers; the moderators' stale list."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.core.currency import add_months
from app.core.dates import in_words
from app.store.models import ChangeLog
from app.store.review_tables import ReviewReminder
from testkit.factories import make_case_study, make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, invite, mailing
from tests.api.conftest import Keys, auth, submit

MODERATOR = "moderator@campaign.example"
today = date.today  # called at each use: a run that crosses midnight must not compare two days
LEEDS = "officer@leeds.example"
LINKS = re.compile(r"https?://\S+/reviews/(still-current|needs-update)\?token=\S+")
SUBJECT = "Is this still current?"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def studies() -> list[Any]:
    """Four case studies, each checked at a different time (one never known to be)."""
    return [
        make_case_study(slug="old", title="Old practice", published="2019-05"),
        make_case_study(
            slug="rechecked", title="Rechecked practice", published="2017", last_reviewed="2026-03"
        ),
        make_case_study(slug="undated", title="Undated practice"),
        make_case_study(slug="recent", title="Recent practice", published=today().isoformat()),
    ]


def reminders(mail: list[EmailMessage]) -> list[EmailMessage]:
    return [m for m in mail if m["Subject"].startswith(SUBJECT)]


def links_in(mail: EmailMessage) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in LINKS.finditer(mail.get_content())}


def send(client: TestClient, day: date | None = None) -> int:
    app: Any = client.app
    sent: int = app.state.reviews.send_due(app.state.engine, day or today())
    return sent


def hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(token)" value="([^"]*)"', page))


def test_last_reviewed_is_in_the_api_csv_and_feed(client: TestClient) -> None:
    read = lambda slug: client.get(f"/api/v1/case-studies/{slug}").json()  # noqa: E731
    assert read("old")["last_reviewed"] == "2019-05"  # a file that does not say: when published
    assert read("rechecked")["last_reviewed"] == "2026-03"
    assert read("undated")["last_reviewed"] is None

    results = client.get("/api/v1/search", params={"sort": "title"}).json()["results"]
    assert {r["slug"]: r["last_reviewed"] for r in results} == {
        "old": "2019-05",
        "rechecked": "2026-03",
        "undated": None,
        "recent": today().isoformat(),
    }

    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/search.csv").text.lstrip("\ufeff"))))
    assert {r["slug"]: r["last_reviewed"] for r in rows}["rechecked"] == "2026-03"
    assert {r["slug"]: r["last_reviewed"] for r in rows}["undated"] == ""

    feed = ET.fromstring(client.get("/feeds/case-studies.atom").content)
    ours = "{urn:x-bright-futures:case-studies}lastReviewed"
    atom = "{http://www.w3.org/2005/Atom}"
    checked = {
        e.findtext(f"{atom}id", "").rsplit("/", 1)[1]: e.findtext(ours)
        for e in feed.iter(f"{atom}entry")
    }
    assert checked["rechecked"] == "2026-03" and checked["undated"] is None


def test_sort_reviewed_puts_the_most_recently_checked_first(client: TestClient) -> None:
    page = client.get("/api/v1/search", params={"sort": "reviewed"}).json()
    assert page["sort"] == "reviewed"
    assert [r["slug"] for r in page["results"]] == ["recent", "rechecked", "old", "undated"]
    words = client.get("/api/v1/search", params={"q": "practice", "sort": "reviewed"}).json()
    assert [r["slug"] for r in words["results"]] == ["recent", "rechecked", "old", "undated"]
    wrong = client.get("/api/v1/search", params={"sort": "checked"})
    assert wrong.status_code == 422 and "reviewed" in wrong.text

    html = client.get("/", params={"sort": "reviewed"}).text
    assert '<option value="reviewed" selected>Most recently checked</option>' in html
    titles = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)
    assert titles == ["Recent practice", "Rechecked practice", "Old practice", "Undated practice"]


def test_the_badge_shows_on_results_and_the_page_after_24_months(client: TestClient) -> None:
    html = client.get("/", params={"sort": "title"}).text
    cards = dict(
        re.findall(r'<h3><a href="/case-studies/([\w-]+)[^"]*">.*?</h3>(.*?)</article>', html, re.S)
    )
    assert "Last checked May 2019" in cards["old"] and "May be out of date" in cards["old"]
    assert "Last checked March 2026" in cards["rechecked"]
    assert "May be out of date" not in cards["rechecked"]
    assert "Last checked" not in cards["undated"] and "May be out of date" in cards["undated"]
    assert "May be out of date" not in cards["recent"]

    old = " ".join(client.get("/case-studies/old").text.split())
    assert "<dt>Last checked</dt><dd> May 2019<br>" in old
    assert "Nobody has checked this case study since May 2019" in old
    fresh = client.get("/case-studies/rechecked").text
    assert "March 2026" in fresh and "May be out of date" not in fresh


def test_the_bundled_collection_asks_the_moderators_and_still_current_sets_the_date(
    client: TestClient, smtp: SmtpServer
) -> None:
    invite(client, MODERATOR, "moderator")
    invite(client, LEEDS, "council", "Leeds City Council")  # not asked about the collection
    assert send(client) == 2  # old and undated; rechecked and recent are not due yet
    assert send(client) == 0  # once per period, however often the job runs
    smtp.inbox.wait_for(lambda m: m["Subject"].startswith(SUBJECT), count=2)
    asked = reminders(smtp.inbox.messages)
    assert len(asked) == 2 and {m["To"] for m in asked} == {MODERATOR}
    mail = next(m for m in asked if "Old practice" in m["Subject"])
    assert "was last checked May 2019" in mail.get_content()
    assert "http://testserver/case-studies/old" in mail.get_content()
    links = links_in(mail)

    person = Person.at(client)
    page = person.open_link(links["still-current"])  # a mail scanner's visit answers nothing
    assert page.status_code == 200 and ">Still current</button>" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert client.get("/api/v1/case-studies/old").json()["last_reviewed"] == "2019-05"
    csrf = person.token()

    logged = count_changes(client)
    done = person.submit("/reviews/still-current", hidden(page.text))
    assert done.status_code == 200 and "now shows it was last checked" in done.text
    assert client.get("/api/v1/case-studies/old").json()["last_reviewed"] == today().isoformat()
    assert count_changes(client) == logged + 1  # through the change log, like any change
    first = client.get("/api/v1/search", params={"sort": "reviewed"}).json()["results"]
    assert [r["slug"] for r in first[:2]] == ["old", "recent"]  # the index followed it
    badge = client.get("/case-studies/old").text
    assert "May be out of date" not in badge and f"{in_words(today().isoformat()[:7])}" in badge

    again = person.open_link(links["needs-update"])  # the other answer, now too late
    assert "already been answered" in again.text and "<button" not in again.text.split("<main")[1]
    late = person.client.post(  # from a page opened before the answer was given
        "/reviews/needs-update", data={"csrf_token": csrf, **hidden(page.text)}
    )
    assert late.status_code == 409 and "already been answered" in late.text
    assert client.get("/api/v1/case-studies/old").status_code == 200
    assert send(client) == 0  # checked today: not due again for a year
    assert send(client, add_months(today(), 12)) == 3  # old's next period; rechecked's, recent's
    smtp.inbox.wait_for(lambda m: m["Subject"] == f"{SUBJECT} Old practice", count=2)


def count_changes(client: TestClient) -> int:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return len(list(session.exec(select(ChangeLog))))


def test_needs_update_opens_an_amendment_and_the_case_study_stays_public(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft()).json()
    published = client.post(
        f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator)
    )
    assert published.status_code == 200
    slug = record["slug"]
    assert client.get(f"/api/v1/case-studies/{slug}").json()["last_reviewed"] == today().isoformat()
    invite(client, LEEDS, "council", "Leeds City Council")
    invite(client, "officer@york.example", "council", "City of York Council")
    invite(client, MODERATOR, "moderator")
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.exec(select(ReviewReminder)).first() is None

    year_on = add_months(today(), 12)
    send(client, year_on)
    mail = smtp.inbox.wait_for(lambda m: m["Subject"] == f"{SUBJECT} Kinship carers support hub")
    assert mail["To"] == LEEDS  # the submitting council's people only
    assert "your council's case studies" in mail.get_content()
    assert "stays on the site" in mail.get_content()

    person = Person.at(client)
    page = person.open_link(links_in(mail)["needs-update"])
    assert ">Needs an update</button>" in page.text and "stays on the public site" in page.text
    done = person.submit("/reviews/needs-update", hidden(page.text))
    assert done.status_code == 200
    assert f'href="/sign-in?next=/my/submissions/{record["id"]}"' in done.text

    public = client.get(f"/api/v1/case-studies/{slug}")
    assert public.status_code == 200 and public.json()["summary"] == record["summary"]
    mine = client.get(f"/api/v1/submissions/{record['id']}", headers=auth(keys.leeds)).json()
    assert mine["status"] == "published"
    history = client.get(
        f"/api/v1/submissions/{record['id']}/history", headers=auth(keys.leeds)
    ).json()["events"]
    assert history[-1]["action"] == "update_needed"
    assert history[-1]["actor"].startswith("Leeds City Council (council user")
    amendments = client.get(
        f"/api/v1/submissions/{record['id']}/amendments", headers=auth(keys.leeds)
    ).json()["results"]
    assert [a["status"] for a in amendments] == ["changes_requested"]
    amended = client.patch(
        f"/api/v1/amendments/{amendments[0]['id']}",
        json={"summary": "A hub that gives kinship carers advice, training and peer support now."},
        headers=auth(keys.leeds),
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["status"] == "submitted"
    assert client.get(f"/api/v1/case-studies/{slug}").json()["summary"] == record["summary"]


def test_a_link_that_is_not_ours_says_so(client: TestClient) -> None:
    person = Person.at(client)
    page = person.get("/reviews/still-current?token=" + "x" * 43)
    assert page.status_code == 410 and "This link does not work" in page.text
    assert person.get("/reviews/still-current").status_code == 410
    assert person.get("/reviews/maybe?token=abc").status_code == 404


def test_moderators_see_the_stale_list(client: TestClient, smtp: SmtpServer) -> None:
    invite(client, MODERATOR, "moderator")
    moderator = Person.at(client)
    assert moderator.get("/moderation/stale").status_code == 303  # sign in first
    moderator.sign_in(smtp, MODERATOR)
    send(client)
    page = moderator.get("/moderation/stale")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    rows = re.findall(r'<a href="/case-studies/([\w-]+)">', page.text)
    assert rows == ["undated", "old"]  # never known to be checked first, then the oldest
    assert f"{today():%-d %B %Y}</time>: no answer yet" in page.text

    invite(client, LEEDS, "council", "Leeds City Council")
    officer = Person.at(client)
    officer.sign_in(smtp, LEEDS)
    assert officer.get("/moderation/stale").status_code == 403


MANY = [make_case_study(slug=f"practice-{n:03d}", title=f"Practice {n:03d}") for n in range(53)]


@pytest.mark.parametrize("studies", [MANY], ids=["53 never checked"])
def test_the_stale_list_comes_a_page_at_a_time(client: TestClient, smtp: SmtpServer) -> None:
    """A whole collection with no known checks (the bundled one, at first) is one page of 50
    and a second of 3, not a page a phone scrolls through for tens of thousands of pixels."""
    invite(client, MODERATOR, "moderator")
    moderator = Person.at(client)
    moderator.sign_in(smtp, MODERATOR)
    first = moderator.get("/moderation/stale").text
    second = moderator.get("/moderation/stale?page=2").text
    slugs = [re.findall(r'<a href="/case-studies/([\w-]+)">', page) for page in (first, second)]
    assert [len(s) for s in slugs] == [50, 3]
    assert slugs[0] + slugs[1] == [s.slug for s in MANY]  # never checked: by title, in order
    assert "53 case studies" in first and "page 1 of 2" in first
    assert 'href="/moderation/stale?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="/moderation/stale?page=1" rel="prev"' in second and 'rel="next"' not in second
    past = moderator.get("/moderation/stale?page=3")
    assert past.status_code == 200 and "There is no page 3" in past.text
    assert moderator.get("/moderation/stale?page=0").status_code == 422
