"""An attacker's probes of the newest public surfaces, through HTTP: words that only an
unpublished text holds (a pending, rejected or withdrawn amendment's questions, a submitted
case study, an unpublished one) never reach a search, its explanation, "did you mean", the
suggestions, a snippet, the embed, the feed or the CSV; a best bet never shows an unpublished
case study."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.store.keys import create_key
from testkit.factories import make_draft, sample_collection
from testkit.smtp import SmtpServer
from tests.api.alerting import CARE_LEAVERS, ask, confirm, mail_to, outbox_settled
from tests.api.browsing import mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_alert_frequency import send_alerts
from tests.api.test_amendments import decide, propose, published
from tests.api.test_people_and_forms import signed_in
from tests.seeded import Prepare

SECRET = "zumbrowski"  # a word no published text holds
TYPO = "zumbrawski"  # one letter off it (not "…sky": the stemmer reads "y" as "i")


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def with_questions(body: str, *questions: str) -> str:
    lines = "\n".join(f"- {q}" for q in questions)
    return f"{body}\n\n## Questions it helps answer\n\n{lines}\n"


def public_answers(client: TestClient) -> dict[str, str]:
    """Everything public that a search for the secret's typo or its start can answer (the
    secret itself is echoed back as the query, so it is asked for below by its results)."""
    answers: dict[str, str] = {}
    for q in (TYPO, f"kinship {TYPO}"):
        answers[f"search {q}"] = client.get("/api/v1/search", params={"q": q}).text
        answers[f"explain {q}"] = client.get(
            "/api/v1/search", params={"q": q, "explain": "true"}
        ).text
        answers[f"page {q}"] = client.get("/", params={"q": q}).text
        answers[f"embed {q}"] = client.get("/embed", params={"q": q}).text
        answers[f"csv {q}"] = client.get("/api/v1/search.csv", params={"q": q}).text
    for prefix in (SECRET[:3], SECRET[:5], SECRET[:-1]):
        answers[f"suggest {prefix}"] = client.get("/api/v1/suggest", params={"q": prefix}).text
    for q in ("kinship", "kinship carers help"):
        answers[f"explain {q}"] = client.get(
            "/api/v1/search", params={"q": q, "explain": "true"}
        ).text
        answers[f"embed {q}"] = client.get("/embed", params={"q": q}).text
        answers[f"csv {q}"] = client.get("/api/v1/search.csv", params={"q": q}).text
    answers["feed"] = client.get("/feeds/case-studies.atom").text
    return answers


def assert_secret_kept(client: TestClient) -> None:
    leaks = [
        (where, text[max(0, text.casefold().find(SECRET) - 80) :][:200])
        for where, text in public_answers(client).items()
        if SECRET in text.casefold()
    ]
    assert leaks == []
    for q in (SECRET, f"kinship {SECRET}"):
        for explain in ("false", "true"):
            found = client.get("/api/v1/search", params={"q": q, "explain": explain}).json()
            assert SECRET not in str(found["results"]).casefold()
            assert SECRET not in str(found["facets"]).casefold()
        assert client.get("/api/v1/search", params={"q": SECRET}).json()["total"] == 0
        rows = client.get("/api/v1/search.csv", params={"q": SECRET}).text.strip().splitlines()
        assert len(rows) == 1  # the header only


def test_a_pending_amendments_questions_are_found_only_once_published(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys)
    body = with_questions(live["body"], f"how do {SECRET} carers get help?")
    amendment = propose(client, keys.leeds, live, {"body": body})
    assert amendment.status_code == 201, amendment.text
    assert_secret_kept(client)
    # ... and the published case study's own snippet shows none of the amendment's questions.
    kinship = client.get("/api/v1/search", params={"q": "kinship carers help"}).json()
    assert [r["slug"] for r in kinship["results"]] == [live["slug"]]

    decide(client, keys, amendment.json()["id"], "reject", {"reason": "Not needed."})
    assert_secret_kept(client)

    again = propose(client, keys.leeds, live, {"body": body}).json()
    client.delete(f"/api/v1/amendments/{again['id']}", headers=auth(keys.leeds))
    assert_secret_kept(client)

    last = propose(client, keys.leeds, live, {"body": body}).json()
    assert decide(client, keys, last["id"], "publish").status_code == 200
    shown = client.get("/api/v1/search", params={"q": SECRET}).json()
    assert [r["slug"] for r in shown["results"]] == [live["slug"]]
    assert SECRET in str(shown["results"][0].get("highlights", {})).casefold()


def test_a_submitted_or_unpublished_case_studys_words_are_never_offered(
    client: TestClient, keys: Keys
) -> None:
    published(client, keys)  # something public to search beside it
    draft = make_draft(
        title=f"The {SECRET} project",
        body=with_questions(make_draft()["body"], f"what is {SECRET}?"),
        source_url="https://example.org/secret",
    )
    sent = submit(client, keys.york, draft | {"council": "City of York Council"})
    assert sent.status_code == 201, sent.text
    assert_secret_kept(client)
    record = sent.json()
    assert_no_page(client, record["slug"])

    out = client.post(f"/api/v1/moderation/{record['id']}/publish", headers=auth(keys.moderator))
    assert out.status_code == 200, out.text
    assert client.get("/api/v1/search", params={"q": SECRET}).json()["total"] == 1
    gone = client.post(
        f"/api/v1/moderation/{record['id']}/unpublish",
        json={"reason": "Out of date."},
        headers=auth(keys.moderator),
    )
    assert gone.status_code == 200, gone.text
    assert_secret_kept(client)
    assert_no_page(client, record["slug"])


def assert_no_page(client: TestClient, slug: str) -> None:
    for path in (
        f"/api/v1/case-studies/{slug}",
        f"/case-studies/{slug}",
        f"/api/v1/case-studies/{slug}/related",
    ):
        answer = client.get(path)
        assert answer.status_code in (404, 410), path
        assert SECRET not in answer.text.replace(slug, "").casefold(), path  # but its echo


def test_a_best_bet_never_brings_back_an_unpublished_case_study(
    client: TestClient, keys: Keys
) -> None:
    live = published(client, keys, title=f"The {SECRET} hub", source_url="https://example.org/z")
    pinned = client.post(
        "/api/v1/best-bets",
        json={"query": "kinship", "slug": live["slug"]},
        headers=auth(keys.moderator),
    )
    assert pinned.status_code == 201, pinned.text
    searched: dict[str, Any] = client.get("/api/v1/search", params={"q": "kinship"}).json()
    assert searched["results"][0]["slug"] == live["slug"]
    gone = client.post(
        f"/api/v1/moderation/{live['id']}/unpublish",
        json={"reason": "Out of date."},
        headers=auth(keys.moderator),
    )
    assert gone.status_code == 200, gone.text
    assert_secret_kept(client)
    listed = client.get("/api/v1/best-bets", headers=auth(keys.moderator)).json()
    assert listed  # the moderators still see their pin; the public never sees what it points to


def test_another_councils_officer_can_neither_read_nor_act_on_an_amendment(
    client: TestClient, keys: Keys, smtp: SmtpServer
) -> None:
    live = published(client, keys)
    body = with_questions(live["body"], f"how do {SECRET} carers get help?")
    amendment = propose(client, keys.leeds, live, {"body": body}).json()
    leeds = signed_in(client, smtp, "officer@leeds.example", "council", "Leeds City Council")
    york = signed_in(client, smtp, "officer@york.example", "council", "City of York Council")
    york.get("/my/submissions")
    token = york.token()
    mine = f"/my/submissions/{live['id']}"
    for path in (mine, f"{mine}/changes/withdraw", f"{mine}/withdraw"):
        seen = york.get(path)
        assert seen.status_code == 404 and SECRET not in seen.text.casefold(), path
    fields = {"amendment": str(amendment["id"]), "version": "1"}
    posts = {f"{mine}/amend": {}, f"{mine}/changes/withdraw": fields, f"{mine}/withdraw": fields}
    for path, data in posts.items():
        done = york.client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert done.status_code == 404 and SECRET not in done.text.casefold(), path
    # Its own officer, without the form's token (a post from another site), changes nothing.
    assert SECRET in leeds.get(mine).text.casefold()
    for path, data in posts.items():
        forged = leeds.client.post(path, data=data, follow_redirects=False)
        assert forged.status_code == 403, path
    still = client.get(f"/api/v1/amendments/{amendment['id']}", headers=auth(keys.leeds)).json()
    assert still["status"] == "submitted"
    record = client.get(f"/api/v1/submissions/{live['id']}", headers=auth(keys.leeds)).json()
    assert record["status"] == "published"
    listed = client.get("/api/v1/submissions", headers=auth(keys.leeds)).json()
    assert listed["total"] == 1  # no draft was started by anyone's post


def test_a_public_page_shown_to_someone_signed_in_is_never_cached_for_others(
    client: TestClient, keys: Keys, smtp: SmtpServer
) -> None:
    """A shared cache keeps a `public` response for everyone: one that names who is signed in
    (the account bar) must say no-store."""
    live = published(client, keys)
    moderator = signed_in(client, smtp, "moderator@campaign.example", "moderator")
    paths = [
        "/",
        "/?q=kinship",
        f"/case-studies/{live['slug']}",
        "/embed?q=kinship",
        "/api/v1/search?q=kinship&explain=true",
        f"/api/v1/case-studies/{live['slug']}",
        "/feeds/case-studies.atom",
        "/api/v1/search.csv?q=kinship",
        "/api/v1/suggest?q=kin",
    ]
    for path in paths:
        seen = moderator.get(path)
        assert seen.status_code == 200, path
        policy = seen.headers.get("cache-control", "")
        if policy.startswith("public"):
            assert "moderator@campaign.example" not in seen.text, path
            assert "Sign out" not in seen.text and "/moderation" not in seen.text, path


# What a worried parent or a busy officer types into a search box, in lower case as a phone
# keyboard leaves it: each names or finds one person, and a search that finds nothing is shown
# to the moderators as an everyday phrase to bridge.
TYPED_ABOUT_SOMEONE = [
    "chloe smith aged 15",
    "mrs jones 14 year old son",
    "14 acacia avenue leeds",
    "jo.bloggs at gmail dot com",
    "jo.bloggs at leeds.gov.uk",
]


def test_a_search_typed_about_someone_is_never_proposed_or_counted(
    client: TestClient, keys: Keys
) -> None:
    for q in [*TYPED_ABOUT_SOMEONE, "zumbrowski therapy"]:
        client.get("/api/v1/search", params={"q": q})
    report = client.get("/api/v1/analytics/queries", headers=auth(keys.moderator)).json()
    assert {row["query"] for row in report["top"]} == {"zumbrowski therapy"}
    proposed = client.get("/api/v1/synonyms/suggestions", headers=auth(keys.moderator)).json()
    assert [s["phrase"] for s in proposed["suggestions"]] == ["zumbrowski therapy"]
    for q in TYPED_ABOUT_SOMEONE:
        assert q.split()[0] not in str(report) + str(proposed)


@pytest.fixture
def alerting(prepare_store: Prepare, settings: Settings, smtp: SmtpServer) -> Iterator[TestClient]:
    prepare_store(settings, sample_collection())
    with TestClient(create_app(mailing(settings, smtp, alert_send_seconds=0))) as client:
        yield client  # the test runs the alert job itself


def test_an_alert_email_lists_only_what_is_still_published_as_published(
    alerting: TestClient, smtp: SmtpServer
) -> None:
    """Published then unpublished before the alert job ran: not in the email; published with
    changes proposed since: in the email under its published title."""
    with Session(alerting.app.state.engine) as session:  # type: ignore[attr-defined]
        leeds = create_key(session, "council", "Leeds City Council")[1]
        moderator = create_key(session, "moderator")[1]
    assert ask(alerting, "reader@council.example", "immediate", **CARE_LEAVERS).status_code == 202
    confirm(alerting, smtp, "reader@council.example")

    def publish(title: str) -> dict[str, Any]:
        draft = make_draft(title=title, themes=["care-leavers"], age_bands=["16-25"])
        record = submit(alerting, leeds, draft).json()
        out = alerting.post(f"/api/v1/moderation/{record['id']}/publish", headers=auth(moderator))
        assert out.status_code == 200, out.text
        body: dict[str, Any] = out.json()
        return body

    kept, gone = publish("Staying close for care leavers"), publish(f"The {SECRET} flats")
    pulled = alerting.post(
        f"/api/v1/moderation/{gone['id']}/unpublish",
        json={"reason": "Out of date."},
        headers=auth(moderator),
    )
    assert pulled.status_code == 200, pulled.text
    proposed = propose(alerting, leeds, kept, {"title": f"{SECRET} for care leavers"})
    assert proposed.status_code == 201, proposed.text
    assert send_alerts(alerting) == 1
    body = mail_to(smtp, "reader@council.example", "new case stud").get_content()
    assert "Staying close for care leavers" in body and kept["slug"] in body
    assert SECRET not in body.casefold() and gone["slug"] not in body
    outbox_settled(alerting)


def test_a_question_taken_out_by_a_published_amendment_is_found_no_more(
    client: TestClient, keys: Keys
) -> None:
    """A question a council took back (it named too much) goes from search, its snippets
    ("Helps answer: …"), its explanation and "did you mean" once the change is published."""
    body = with_questions(make_draft()["body"], f"how do {SECRET} carers get help?")
    live = published(client, keys, body=body)
    assert client.get("/api/v1/search", params={"q": SECRET}).json()["total"] == 1
    shown = client.get("/", params={"q": f"{SECRET} kinship"}).text
    assert "Helps answer" in shown and SECRET in shown.split("Helps answer")[1][:300].casefold()
    typo = client.get("/api/v1/search", params={"q": TYPO}).json()
    assert typo["did_you_mean"] == SECRET  # a published word is offered ...

    kept = with_questions(make_draft()["body"], "how do kinship carers get help?")
    amendment = propose(client, keys.leeds, live, {"body": kept}).json()
    assert decide(client, keys, amendment["id"], "publish").status_code == 200
    assert_secret_kept(client)  # ... and no more once the amendment took it out
    kinship = client.get("/api/v1/search", params={"q": "kinship carers help"}).json()
    assert [r["slug"] for r in kinship["results"]] == [live["slug"]]


@pytest.mark.parametrize(
    "change",
    [
        {"title": f"{SECRET.title()} kinship hub"},
        {"programme": f"{SECRET.title()} Partnership"},
        {"summary": f"A hub for kinship carers run with {SECRET} volunteers."},
        {"outcomes": [f"{SECRET.title()} groups met 40 times"]},
    ],
    ids=["title", "programme", "summary", "outcomes"],
)
def test_a_pending_amendments_other_fields_are_not_offered_either(
    client: TestClient, keys: Keys, change: dict[str, Any]
) -> None:
    live = published(client, keys, programme="Kinship North")
    assert propose(client, keys.leeds, live, change).status_code == 201
    assert_secret_kept(client)
    # the suggestions still complete what is published
    done = client.get("/api/v1/suggest", params={"q": "kinship n"}).text
    assert "Kinship North" in done
