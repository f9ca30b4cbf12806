"""Changing a case study of the campaign's own collection in the browser, through HTTP: from
the "Needs an update" answer or the stale list to the case study's changes page; an admin drafts
the changes in the councils' form and sends them; nothing is public until a moderator publishes
them at the existing review; a save from a draft read before someone else's save, or a send
from an amendment that has changed since, is refused in plain words and nothing is lost; the
form's error summary for bad input; CSRF; who may do what."""

import html
import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.core import drafting
from app.core.content import CaseStudyFile
from app.store import drafts
from app.store.models import Draft
from testkit.factories import BODY, make_case_study, make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_people_and_forms import signed_in
from tests.api.test_reviews import hidden, links_in, reminders, send
from tests.api.test_submit_pages import TAGS

OLD = make_case_study(slug="old", title="Old practice", published="2019-05")
NEW_SUMMARY = "Halton's family support service now also runs on Saturday mornings."
CHANGES = re.compile(r'href="/moderation/case-studies/(\d+)/changes"')
VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)">')


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def studies() -> list[CaseStudyFile]:
    recent = make_case_study(
        slug="recent",
        title="Recent practice",
        published="2026-01",
        summary="Kirklees trained foster carers to support teenagers through exams at home.",
        body=BODY.format(
            challenge="Teenagers in foster care missed exams after moving placement.",
            solution="Carers learned revision coaching from teachers in evening sessions.",
            impact="More of the teenagers sat every exam they were entered for.",
        ),
    )
    return [OLD, recent]  # OLD is like no other: a warning that it is a duplicate is of itself


@pytest.fixture
def admin(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, "admin@campaign.example", "admin")


@pytest.fixture
def moderator(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, "moderator@campaign.example", "moderator")


def text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def post(person: Person, path: str, data: dict[str, Any]) -> httpx.Response:
    """A form post from the person's last page, with its CSRF token."""
    body = {"csrf_token": person.token(), **data}
    person.last = person.client.post(path, data=body, follow_redirects=False)
    return person.last


def changes_page(person: Person) -> tuple[int, httpx.Response]:
    """The campaign case study "old"'s changes page, found from the stale list."""
    found = CHANGES.findall(person.get("/moderation/stale").text)
    assert len(found) == 1  # "recent" is not stale
    record_id = int(found[-1])
    return record_id, person.get(f"/moderation/case-studies/{record_id}/changes")


def open_draft(admin: Person, record_id: int) -> tuple[str, int]:
    """Press the changes page's button; the draft's address and the version it was read at."""
    admin.get(f"/moderation/case-studies/{record_id}/changes")
    started = post(admin, f"/moderation/case-studies/{record_id}/changes", {})
    assert started.status_code == 303, started.text
    where = started.headers["location"]
    assert re.fullmatch(r"/submit/drafts/\d+", where)
    form = admin.get(where)
    assert form.status_code == 200
    return where, int(VERSION.findall(form.text)[0])


def fields(**changes: Any) -> dict[str, Any]:
    return drafting.fields_of(OLD.model_dump(mode="json")) | changes


def public_summary(client: TestClient) -> str:
    summary: str = client.get("/api/v1/case-studies/old").json()["summary"]
    return summary


def test_needs_update_leads_an_admin_to_change_it_and_a_moderator_publishes_it(
    client: TestClient, smtp: SmtpServer, admin: Person, moderator: Person
) -> None:
    send(client)
    mail = smtp.inbox.wait_for(lambda m: m["Subject"].endswith("Old practice"))
    assert reminders([mail]) and mail["To"] == "moderator@campaign.example"
    answering = Person.at(client)
    page = answering.open_link(links_in(mail)["needs-update"])
    done = answering.submit("/reviews/needs-update", hidden(page.text))
    assert done.status_code == 200
    assert "PATCH" not in done.text and "/api/v1/amendments" not in done.text
    record_id = int(CHANGES.findall(done.text)[0])

    # Not signed in, the link asks to sign in first and comes back to the page.
    link = f"/moderation/case-studies/{record_id}/changes"
    assert (
        answering.get(link).headers["location"]
        == f"/sign-in?next=%2Fmoderation%2Fcase-studies%2F{record_id}%2Fchanges"
    )

    page = admin.get(link)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    words = text(page.text)
    assert "Open changes" in words and "Changes requested" in words
    assert "Needs an update" in words  # the note the answer left on the amendment
    where, version = open_draft(admin, record_id)
    form = text(admin.last.text if admin.last else "")
    assert "Change the campaign's case study" in form and "The campaign's collection" in form
    assert 'value="Old practice"' in (admin.last.text if admin.last else "")

    saved = post(admin, where, {**fields(summary=NEW_SUMMARY), "version": version})
    assert saved.status_code == 303 and saved.headers["location"] == f"{where}?saved=true"
    assert "the case study's changes page" in text(admin.get(saved.headers["location"]).text)
    changes = text(admin.get(link).text)  # whose draft, by the People page's address
    assert "was saved by admin@campaign.example (admin) on" in changes
    assert "admin user" not in changes
    admin.get(saved.headers["location"])  # back to the draft
    version = int(VERSION.findall(admin.last.text if admin.last else "")[0])
    going = post(
        admin, where, {**fields(summary=NEW_SUMMARY), "version": version, "action": "continue"}
    )
    assert going.headers["location"] == f"{where}/tags"  # the next page of the form: its tags
    tags = admin.get(going.headers["location"]).text
    assert "Change the tags" in tags and "Tags help people find the case study" in tags
    box = 'name="{}" type="checkbox" value="([^"]+)"[^>]*? checked'
    ticked = {kind: re.findall(box.format(kind), tags) for kind in TAGS}
    assert all(ticked.values())  # as the case study has them
    onward = post(admin, f"{where}/tags", {**ticked, "action": "continue"})
    assert onward.headers["location"] == f"{where}/check"
    check = admin.get(f"{where}/check")
    assert check.status_code == 200 and NEW_SUMMARY in text(check.text)
    assert "A moderator reviews the changes before anything is public" in text(check.text)
    assert "already published" not in text(check.text)  # a change is no duplicate of itself
    live = post(admin, f"/submit/help?draft={where.rsplit('/', 1)[1]}", fields(summary=NEW_SUMMARY))
    assert live.status_code == 200 and "already published" not in text(live.text)
    admin.get(f"{where}/check")

    sent = post(admin, f"{where}/send", {})
    assert sent.status_code == 303 and sent.headers["location"] == f"/submit/sent/{record_id}"
    confirmation = text(admin.get(sent.headers["location"]).text)
    assert "Changes sent" in confirmation and "A moderator reviews the changes" in confirmation
    assert "confirmation email" not in confirmation
    assert public_summary(client) == OLD.summary  # nothing public before a moderator publishes

    waiting = moderator.get("/moderation/amendments")
    amendment_id = int(re.findall(r'href="/moderation/amendments/(\d+)"', waiting.text)[0])
    review = moderator.get(f"/moderation/amendments/{amendment_id}")
    assert NEW_SUMMARY.split()[-1] in review.text and link in review.text
    version = int(
        re.findall(r'/publish">\s*<input type="hidden" name="version" value="(\d+)"', review.text)[
            0
        ]
    )
    assert "None" not in text(review.text).split("Changes to this campaign case study")[1][:40]
    moderator.get(f"/moderation/amendments/{amendment_id}/publish?version={version}")
    published = post(
        moderator, f"/moderation/amendments/{amendment_id}/publish", {"version": version}
    )
    assert published.status_code == 303
    assert public_summary(client) == NEW_SUMMARY
    after = text(admin.get(link).text)
    assert "The last changes" in after and "Published" in after


def test_moderators_see_the_page_only_admins_change_and_councils_stay_out(
    client: TestClient, smtp: SmtpServer, admin: Person, moderator: Person, keys: Keys
) -> None:
    record_id, page = changes_page(moderator)
    assert page.status_code == 200
    assert "An admin changes the campaign's own case studies" in text(page.text)
    assert 'action="/moderation/case-studies/' not in page.text
    refused = post(moderator, f"/moderation/case-studies/{record_id}/changes", {})
    assert refused.status_code == 403 and "Only an admin" in refused.text

    officer = signed_in(client, smtp, "officer@leeds.example", "council", "Leeds City Council")
    assert officer.get(f"/moderation/case-studies/{record_id}/changes").status_code == 403
    where, _ = open_draft(admin, record_id)
    assert officer.get(where).status_code == 404  # the campaign's draft is no council's
    assert admin.get("/submit/new").status_code == 403  # admins draft changes, not submissions

    # A council's case study is changed by its council: no changes page, no draft for an admin.
    council_one = submit(client, keys.leeds, make_draft()).json()
    assert admin.get(f"/moderation/case-studies/{council_one['id']}/changes").status_code == 404
    admin.get(f"/moderation/case-studies/{record_id}/changes")
    refused = post(admin, f"/moderation/case-studies/{council_one['id']}/changes", {})
    assert refused.status_code == 404


def test_without_the_forms_token_nothing_is_started_or_saved(
    client: TestClient, admin: Person
) -> None:
    record_id, _ = changes_page(admin)
    bare = admin.client.post(
        f"/moderation/case-studies/{record_id}/changes", follow_redirects=False
    )
    assert bare.status_code == 403
    assert (
        "Carry on changing it"
        not in admin.get(f"/moderation/case-studies/{record_id}/changes").text
    )
    where, version = open_draft(admin, record_id)
    forged = admin.client.post(where, data={**fields(summary=NEW_SUMMARY), "version": version})
    assert forged.status_code == 403
    assert NEW_SUMMARY not in text(admin.get(where).text)


def test_bad_input_gets_the_error_summary_not_a_500(client: TestClient, admin: Person) -> None:
    record_id, _ = changes_page(admin)
    where, version = open_draft(admin, record_id)
    going = post(
        admin,
        where,
        {**fields(title="", summary="Short"), "version": version, "action": "continue"},
    )
    assert going.status_code == 422
    assert 'class="error-summary"' in going.text
    assert "Enter a title" in going.text and "Summary must be 20 characters or more" in going.text
    assert post(admin, where, {**fields(), "version": "many"}).status_code == 422
    admin.get(where)  # the error page has no form: back to the form
    assert post(admin, where, {**fields(), "action": "publish"}).status_code in (400, 422)


def test_two_admins_saving_one_draft_the_second_is_refused_and_keeps_their_text(
    client: TestClient, smtp: SmtpServer, admin: Person
) -> None:
    other = signed_in(client, smtp, "second.admin@campaign.example", "admin")
    record_id, _ = changes_page(admin)
    where, version = open_draft(admin, record_id)
    other.get(where)  # both have the form at the same version
    first = post(admin, where, {**fields(summary=NEW_SUMMARY), "version": version})
    assert first.status_code == 303
    theirs = "Halton's service also opened a second family hub in Widnes in 2025."
    second = post(other, where, {**fields(summary=theirs), "version": version})
    assert second.status_code == 409
    assert "Someone else saved this draft after you opened it" in text(second.text)
    assert theirs in text(second.text)  # their text, still in the form
    assert f'name="version" value="{version}"' in second.text  # pressing again is refused again
    assert post(other, where, {**fields(summary=theirs), "version": version}).status_code == 409
    kept = text(admin.get(where).text)
    assert NEW_SUMMARY in kept and "Widnes" not in kept


def test_sending_after_the_case_study_changed_is_refused_the_draft_kept_to_copy_from(
    client: TestClient, admin: Person, keys: Keys
) -> None:
    record_id, _ = changes_page(admin)
    where, version = open_draft(admin, record_id)  # proposes: no amendment open yet
    post(admin, where, {**fields(summary=NEW_SUMMARY), "version": version, "action": "continue"})
    # Meanwhile the case study changes: another admin's changes reach the moderators first.
    opened = client.post(
        f"/api/v1/submissions/{record_id}/amendments",
        json={"programme": "Family Hubs"},
        headers=auth(keys.admin),
    )
    assert opened.status_code == 201, opened.text
    admin.get(f"{where}/check")
    refused = post(admin, f"{where}/send", {})
    assert refused.status_code == 409
    words = text(refused.text)
    assert "Nothing was changed by this request" in words
    assert f"/moderation/case-studies/{record_id}/changes" in words
    assert admin.get(where).status_code == 200  # the draft is still there
    amendment = client.get(
        f"/api/v1/amendments/{opened.json()['id']}", headers=auth(keys.admin)
    ).json()
    assert amendment["summary"] == OLD.summary and amendment["version"] == 1

    # The changes page says the draft is out of date, links to it to copy from, starts again.
    page = admin.get(f"/moderation/case-studies/{record_id}/changes")
    words = text(page.text)
    assert "Start the changes again" in words and "cannot be sent" in words
    assert f'href="{where}">Open the old draft</a>' in page.text
    assert NEW_SUMMARY in text(admin.get(where).text)
    admin.get(f"/moderation/case-studies/{record_id}/changes")
    again = post(admin, f"/moderation/case-studies/{record_id}/changes", {})
    fresh = admin.get(again.headers["location"])
    assert again.headers["location"] != where and 'value="Family Hubs"' in fresh.text
    assert "Carry on changing it" in text(
        admin.get(f"/moderation/case-studies/{record_id}/changes").text
    )


def test_two_saves_read_at_one_version_one_wins_in_sql(client: TestClient, admin: Person) -> None:
    """The race the form's check cannot see: both requests read the draft at the same version
    before either writes. The compare-and-set in SQL lets one through and refuses the other."""
    record_id, _ = changes_page(admin)
    where, version = open_draft(admin, record_id)
    draft_id = int(where.rsplit("/", 1)[1])
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with Session(engine) as one, Session(engine) as two:
        first, second = one.get(Draft, draft_id), two.get(Draft, draft_id)
        assert first is not None and second is not None
        assert first.version == second.version == version
        assert drafts.update_draft(one, first, fields(summary=NEW_SUMMARY))
        one.commit()
        assert not drafts.update_draft(two, second, fields(summary="Lost if it were written."))
        two.commit()
    kept = text(admin.get(where).text)
    assert NEW_SUMMARY in kept and "Lost if it were written" not in kept
    assert int(VERSION.findall(admin.last.text if admin.last else "")[0]) == version + 1
