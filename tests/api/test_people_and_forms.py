"""The pages of signed-in work: every form post needs this browser's CSRF token; sign-in links are
limited per address and per client; councils see only their own submissions; moderators and
admins invite and revoke people, and councils may not."""

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from testkit.factories import make_draft, sample_collection
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, invite, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_moderation_races import at_once
from tests.seeded import Prepare

LEEDS, YORK, MODERATOR, ADMIN = (
    "officer@leeds.example",
    "officer@york.example",
    "moderator@campaign.example",
    "admin@campaign.example",
)


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def signed_in(
    client: TestClient, smtp: SmtpServer, email: str, role: str, council: str | None = None
) -> Person:
    """Invited as the operator would, then signed in through the invitation's link."""
    invite(client, email, role, council)
    person = Person.at(client)
    person.open_link(smtp.inbox.link_to(email))
    assert person.confirm().status_code == 303
    return person


def emails(client: TestClient) -> list[str]:
    app: Any = client.app
    with Session(app.state.engine) as session:
        return [a.email for a in app.state.accounts.list_accounts(session)]


def people_in(page: str) -> list[str]:
    """The addresses a People page lists, in order (each with a <wbr> before its @ and dots)."""
    return re.findall(r'<h3 class="person-email">([^<]+)</h3>', page.replace("<wbr>", ""))


def account_id(client: TestClient, email: str) -> int:
    app: Any = client.app
    with Session(app.state.engine) as session:
        found = app.state.accounts.find_by_email(session, email)
    assert found is not None
    return int(found.id)


# -- CSRF --------------------------------------------------------------------------------------


def flatten(routes: list[Any]) -> list[APIRoute]:
    """The app's routes, with those of included routers (FastAPI includes them lazily)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += flatten(route.original_router.routes)
    return found


# RFC 8058's one-click unsubscribe is posted by a mail provider's server, with no cookie, token
# or Origin: the signed token in its address is its only check (tests/api/test_alerts.py).
ONE_CLICK = "/alerts/unsubscribe"


def page_posts(client: TestClient) -> list[str]:
    """Every path the pages take a form post at (not the JSON API, which takes keys)."""
    routes = flatten(client.app.routes)  # type: ignore[attr-defined]
    return sorted(
        re.sub(r"\{[^}]+\}", "1", route.path)
        for route in routes
        if "POST" in route.methods and not route.path.startswith("/api/")
    )


def test_every_form_post_without_its_token_is_refused(client: TestClient, smtp: SmtpServer) -> None:
    admin = signed_in(client, smtp, ADMIN, "admin")
    posts = page_posts(client)
    assert {"/sign-in", "/sign-in/confirm", "/sign-out", "/people", "/people/1/revoke"} <= set(
        posts
    )
    assert ONE_CLICK in posts
    forged = admin.client.post(ONE_CLICK + "?token=forged", data={}, follow_redirects=False)
    assert forged.status_code == 400 and "This link does not work" in forged.text
    for path in [p for p in posts if p != ONE_CLICK]:
        for body in ({}, {"csrf_token": "forged-" + "x" * 40}):
            refused = admin.client.post(path, data=body, follow_redirects=False)
            assert refused.status_code == 403, path
            assert "This form has expired" in refused.text
            assert "address" not in refused.text.split("<footer")[0]  # a form, not an address
        problem = client.post(path, data={}, headers={"accept": "application/json"})
        assert problem.status_code == 403 and problem.json()["title"] == "This form has expired"
    assert admin.signed_in()  # the refused sign-out changed nothing
    assert emails(client) == [ADMIN]


def test_a_token_from_before_signing_in_no_longer_works_after(
    client: TestClient, smtp: SmtpServer
) -> None:
    invite(client, MODERATOR, "moderator")
    person = Person.at(client)
    person.get("/sign-in")
    before = person.token()
    person.open_link(smtp.inbox.link_to(MODERATOR))
    person.confirm()
    after = person.client.post("/people", data={"csrf_token": before, "email": LEEDS})
    assert after.status_code == 403
    person.get("/people")
    assert person.token() != before


def test_another_browsers_token_does_not_work(client: TestClient, smtp: SmtpServer) -> None:
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    other = signed_in(client, smtp, ADMIN, "admin")
    other.get("/people")
    data = {"csrf_token": other.token(), "email": LEEDS, "role": "council", "council": "Leeds"}
    assert moderator.client.post("/people", data=data).status_code == 403


# -- limits on sign-in links ------------------------------------------------------------------


@pytest.fixture
def limited(prepare_store: Prepare, settings: Settings, smtp: SmtpServer) -> Any:
    prepare_store(settings, sample_collection())
    tight = settings.model_copy(
        update={"sign_in_rate_limit": "2/hour", "sign_in_client_rate_limit": "5/hour"}
    )
    with TestClient(create_app(tight)) as client:
        yield client


def test_links_are_limited_per_address_known_or_not(limited: TestClient, smtp: SmtpServer) -> None:
    invite(limited, LEEDS, "council", "Leeds City Council")
    for email in (LEEDS, "nobody@nowhere.example"):
        person = Person.at(limited)
        assert [person.ask_for_link(email).status_code for _ in range(2)] == [303, 303]
        refused = person.ask_for_link(email)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 3000
        assert "too many sign-in links" in refused.text and "Wait 60 minutes" in refused.text
    assert len(smtp.inbox.wait_for(lambda m: m["To"] == LEEDS, count=3).get_content()) > 0
    assert len(smtp.inbox.to(LEEDS)) == 3  # the invitation and two links


def test_links_are_limited_per_client(limited: TestClient) -> None:
    person = Person.at(limited)
    answers = [person.ask_for_link(f"person{n}@example.org").status_code for n in range(6)]
    assert answers == [303] * 5 + [429]
    problem = person.client.post(
        "/sign-in",
        headers={"accept": "application/json"},
        data={"csrf_token": person.token(), "email": "x@example.org"},
    )
    assert problem.status_code == 429
    assert problem.headers["content-type"] == "application/problem+json"
    assert "retry-after" in problem.headers


# -- roles -------------------------------------------------------------------------------------


def test_councils_see_only_their_own_submissions(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    ours = submit(client, keys.leeds, make_draft(title="Our kinship hub")).json()
    york = make_draft(title="York's secret draft", council="City of York Council")
    theirs = submit(client, keys.york, york).json()
    leeds = signed_in(client, smtp, LEEDS, "council", "Leeds City Council")
    listing = leeds.get("/my/submissions")
    assert listing.status_code == 200 and listing.headers["cache-control"] == "no-store"
    assert "Our kinship hub" in listing.text and "York" not in listing.text
    assert "Waiting for review" in listing.text
    detail = leeds.get(f"/my/submissions/{ours['id']}")
    assert detail.status_code == 200 and "Submitted" in detail.text
    assert "Leeds City Council (council key" in detail.text
    hidden = leeds.get(f"/my/submissions/{theirs['id']}")
    assert hidden.status_code == 404 and "secret" not in hidden.text


def test_council_users_may_not_manage_people(client: TestClient, smtp: SmtpServer) -> None:
    leeds = signed_in(client, smtp, LEEDS, "council", "Leeds City Council")
    for path in ("/people", "/people/1/revoke"):
        page = leeds.get(path)
        assert page.status_code == 403 and "for moderators and admins" in page.text
    data = {"email": YORK, "role": "council", "council": "City of York Council"}
    for path, form in (("/people", data), ("/people/1/revoke", {})):
        leeds.get("/my/submissions")  # a page with this browser's token
        assert leeds.submit(path, form).status_code == 403
    assert smtp.inbox.to(YORK) == []


def test_moderators_have_no_submissions_page(client: TestClient, smtp: SmtpServer) -> None:
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    assert moderator.get("/my/submissions").status_code == 403


def test_a_moderator_invites_a_council_officer(client: TestClient, smtp: SmtpServer) -> None:
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    page = moderator.get("/people")
    assert page.status_code == 200 and 'id="role-admin"' not in page.text  # moderators can't
    data = {"email": " Officer@Leeds.Example ", "role": "council", "council": "Leeds City Council"}
    done = moderator.submit("/people", data)
    assert done.status_code == 303
    listing = moderator.get(done.headers["location"])
    assert "Invitation sent to officer@leeds.example" in listing.text
    mail = smtp.inbox.wait_for(lambda m: m["To"] == LEEDS)
    assert "submit case studies for Leeds City Council" in mail.get_content()
    officer = Person.at(client)
    officer.open_link(smtp.inbox.link_to(LEEDS))
    assert officer.confirm().headers["location"] == "/my/submissions"


def test_someone_is_found_by_address_or_council(client: TestClient, smtp: SmtpServer) -> None:
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    invite(client, LEEDS, "council", "Leeds City Council")
    invite(client, YORK, "council", "City of York Council")
    shown = moderator.get("/people", params={"find": " york "})
    listed = people_in(shown.text)
    assert listed == [YORK] and "1 of 3 accounts matches “york”" in shown.text
    by_council = moderator.get("/people", params={"find": "LEEDS CITY"})
    assert people_in(by_council.text) == [LEEDS]
    everyone = moderator.get("/people")
    assert len(re.findall(r'<h3 class="person-email">', everyone.text)) == 3
    assert "of 3 accounts" not in everyone.text
    nobody = moderator.get("/people", params={"find": "x" * 5_000})  # nothing, not an error
    assert nobody.status_code == 200 and "0 of 3 accounts match" in nobody.text


def test_many_people_are_listed_25_at_a_time(client: TestClient, smtp: SmtpServer) -> None:
    """Everyone on one page was 7,500 px on a phone with 27 accounts: the list is paged (GOV.UK's
    Previous and Next, with a GET form's find kept in each link), a page at a time by address."""
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    for n in range(30):
        invite(client, f"officer{n:02d}@leeds.example", "council", "Leeds City Council")
    first = moderator.get("/people").text
    listed = people_in(first)
    assert len(listed) == 25 and listed == sorted(listed)
    assert "Showing 1 to 25 of 31 accounts, by email address." in first
    assert '<a href="/people?page=2" rel="next">' in first and 'rel="prev"' not in first
    second = moderator.get("/people", params={"page": 2}).text
    rest = people_in(second)
    assert rest == [f"officer{n:02d}@leeds.example" for n in range(24, 30)]
    assert sorted(listed + rest) == sorted(emails(client))
    assert "Showing 26 to 31 of 31 accounts" in second and '<a href="/people" rel="prev">' in second
    found = moderator.get("/people", params={"find": "LEEDS"}).text  # 30 match: paged too
    assert "30 of 31 accounts match “LEEDS”" in found
    assert '<a href="/people?find=LEEDS&amp;page=2" rel="next">' in found
    past = moderator.get("/people", params={"page": 9})  # past the last: the last
    assert past.status_code == 200 and "Showing 26 to 31 of 31" in past.text
    assert moderator.get("/people", params={"page": 0}).status_code == 422


def test_people_are_filtered_by_role_and_state(client: TestClient, smtp: SmtpServer) -> None:
    """Accounts have no names: an admin looking for "who was invited and never signed in", or
    for the moderators, filters by role and state (GOV.UK's filter: a GET form, no script), with
    the address find, a count, and the filters kept in the pages' links."""
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    signed_in(client, smtp, LEEDS, "council", "Leeds City Council")
    invite(client, YORK, "council", "City of York Council")
    invite(client, ADMIN, "admin")
    gone = invite(client, "gone@york.example", "council", "City of York Council")
    app: Any = client.app
    with Session(app.state.engine) as session:
        app.state.accounts.revoke(session, None, gone.id)

    def shown(**query: str) -> str:
        answer = moderator.get("/people", params=query)
        assert answer.status_code == 200, answer.text
        return answer.text

    assert sorted(people_in(shown(role="council"))) == sorted([LEEDS, YORK, "gone@york.example"])
    assert sorted(people_in(shown(state="invited"))) == [ADMIN, YORK]
    assert sorted(people_in(shown(state="active"))) == [MODERATOR, LEEDS]
    both = shown(role="council", state="invited")
    assert people_in(both) == [YORK]
    assert "1 of 5 accounts: council officers, invited and not yet signed in." in both
    assert '<option value="council" selected>' in both
    assert '<option value="invited" selected>' in both
    found = shown(find="york", role="council", state="revoked")
    assert people_in(found) == ["gone@york.example"]
    assert "1 of 5 accounts: council officers, revoked, matching “york”." in found
    nobody = shown(find="york", role="moderator")
    assert people_in(nobody) == [] and "0 of 5 accounts: moderators, matching “york”." in nobody
    assert "No one matches." in nobody
    assert "1 of 5 accounts matches “york”" not in shown(role="admin")  # no find, no such words
    assert moderator.get("/people", params={"role": "owner"}).status_code == 422
    assert moderator.get("/people", params={"state": "deleted"}).status_code == 422

    for n in range(30):  # paged: the next page keeps the filters
        invite(client, f"officer{n:02d}@leeds.example", "council", "Leeds City Council")
    first = shown(role="council", state="invited")
    assert "Showing 1 to 25 of 31 accounts" in first
    assert '<a href="/people?role=council&amp;state=invited&amp;page=2" rel="next">' in first
    second = shown(role="council", state="invited", page="2")
    assert people_in(second) == [f"officer{n:02d}@leeds.example" for n in range(25, 30)] + [YORK]


def test_the_invitation_form_says_what_to_fix(client: TestClient, smtp: SmtpServer) -> None:
    admin = signed_in(client, smtp, ADMIN, "admin")
    admin.get("/people")
    empty = admin.submit("/people", {})
    assert empty.status_code == 422 and "There is a problem" in empty.text
    expected = {
        "Enter their email address": "#email",
        "Select what the person will do": "#role-council",
    }
    for message, anchor in expected.items():
        assert f'<a href="{anchor}">{message}</a>' in empty.text
    no_council = admin.submit("/people", {"email": LEEDS, "role": "council"})
    assert "Enter the council&#39;s name" in no_council.text
    assert f'value="{LEEDS}"' in no_council.text  # what was typed is kept
    again = admin.submit("/people", {"email": ADMIN, "role": "admin"})
    assert again.status_code == 422
    assert f"{ADMIN} already has an account as an admin (active)." in again.text  # the list's words
    assert "To change their role, revoke their access, then invite them again." in again.text
    problem = client.post("/people", headers={"accept": "application/json"}, data={})
    assert problem.status_code == 403  # no session, no token


def test_roles_limit_who_may_be_invited_and_revoked(client: TestClient, smtp: SmtpServer) -> None:
    moderator = signed_in(client, smtp, MODERATOR, "moderator")
    admin = signed_in(client, smtp, ADMIN, "admin")
    moderator.get("/people")
    refused = moderator.submit("/people", {"email": "new@campaign.example", "role": "admin"})
    assert refused.status_code == 403
    admin_id = account_id(client, ADMIN)
    moderator.get("/people")
    assert moderator.submit(f"/people/{admin_id}/revoke").status_code == 403
    admin.get("/people")
    assert admin.submit(f"/people/{admin_id}/revoke").status_code == 403  # not oneself
    assert admin.signed_in() and moderator.signed_in()


def test_two_admins_revoking_each_other_at_once_leave_one(
    client: TestClient, smtp: SmtpServer
) -> None:
    """Each read the other as live and themselves as allowed, then revoked: both accounts went,
    and no one was left to sign in. Now revokes take turns, and one revoked meanwhile may not."""
    for attempt in range(4):
        pair = [f"admin{attempt}{side}@campaign.example" for side in "ab"]
        first, second = (signed_in(client, smtp, email, "admin") for email in pair)
        ids = [account_id(client, email) for email in pair]
        for person, other in ((first, ids[1]), (second, ids[0])):
            person.get(f"/people/{other}/revoke")  # the question page, with its form's token
        answers = at_once(
            lambda one=first, other=ids[1]: one.submit(f"/people/{other}/revoke"),
            lambda one=second, other=ids[0]: one.submit(f"/people/{other}/revoke"),
        )
        assert sorted(a.status_code for a in answers) in ([303, 401], [303, 403])
        assert [first.signed_in(), second.signed_in()].count(True) == 1


def test_revoking_signs_out_at_once(client: TestClient, smtp: SmtpServer) -> None:
    leeds = signed_in(client, smtp, LEEDS, "council", "Leeds City Council")
    admin = signed_in(client, smtp, ADMIN, "admin")
    leeds_id = account_id(client, LEEDS)
    ask = admin.get(f"/people/{leeds_id}/revoke")
    assert "Revoke officer@leeds.example" in ask.text.replace("<wbr>", "") and leeds.signed_in()
    done = admin.submit(f"/people/{leeds_id}/revoke")
    assert admin.get(done.headers["location"]).text.count("can no longer sign in") == 1
    assert not leeds.signed_in()
    leeds.ask_for_link(LEEDS)
    assert len(smtp.inbox.to(LEEDS)) == 1  # the invitation only: no link for a revoked account


def test_api_keys_are_unchanged(client: TestClient, keys: Keys) -> None:
    assert client.get("/api/v1/submissions", headers=auth(keys.leeds)).status_code == 200
    created = submit(client, keys.leeds, make_draft())
    assert created.status_code == 201  # a JSON post with a key needs no CSRF token


def test_the_new_pages_carry_the_security_headers(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft()).json()
    leeds = signed_in(client, smtp, LEEDS, "council", "Leeds City Council")
    admin = signed_in(client, smtp, ADMIN, "admin")
    anyone = Person.at(client)
    pages = [
        (anyone, "/sign-in"),
        (anyone, "/sign-in/check-email"),
        (anyone, "/sign-in/confirm?token=" + "x" * 43),
        (anyone, "/signed-out"),
        (leeds, "/my/submissions"),
        (leeds, f"/my/submissions/{record['id']}"),
        (admin, "/people"),
        (admin, f"/people/{account_id(client, LEEDS)}/revoke"),
    ]
    for person, path in pages:
        page = person.get(path)
        assert page.status_code in (200, 410), path
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["cache-control"] == "no-store"
    councils = anyone.get("/councils")
    assert councils.status_code == 200 and "Keeping children safe" in councils.text
    assert "frame-ancestors 'none'" in councils.headers["content-security-policy"]
    assert '<a href="/councils">For councils</a>' in anyone.get("/").text  # the footer
    assert "invites you: ask them, giving" in councils.text  # no contact configured


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("contact", "said"),
    [
        (
            "team@brightfutures.example",
            'email them at <a href="mailto:team@brightfutures.example">',
        ),
        ("https://brightfutures.example/contact", 'ask them at <a href="https://brightfutures'),
        ("javascript:alert(1)", "invites you: ask them, giving"),  # not a link
    ],
)
def test_the_councils_page_names_whom_to_ask_for_an_account(
    prepare_store: Prepare, settings: Settings, contact: str, said: str
) -> None:
    prepare_store(settings, sample_collection())
    with TestClient(
        create_app(settings.model_copy(update={"campaign_contact": contact}))
    ) as client:
        page = client.get("/sign-in")
        assert '<a href="/councils">How councils get an account</a>' in page.text
        councils = client.get("/councils")
        assert councils.status_code == 200 and said in councils.text
        assert "javascript:" not in councils.text
