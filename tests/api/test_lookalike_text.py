"""Look-alike letters and stacked marks, through the API and the submission form: a child's
name written in Cyrillic look-alikes is flagged as the plain name is; a word mixing alphabets,
or a letter under a stack of accents, is refused saying what to retype; Welsh and accented
names go through untouched."""

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import mailing
from tests.api.conftest import Keys, submit
from tests.api.test_submit_pages import LEEDS, form, post, signed_in

# Cyrillic "М", "і", "а" (every letter of the name), then Cyrillic "о" inside Latin words.
CYRILLIC_NAME = "\u041c\u0456\u0430 (14) was referred by her school."
MIXED = "M\u0456\u0430's family"
ZALGO = "Z\u0334\u0321\u031b\u031ba\u0338\u0322lgo hub"
WELSH = "Cefnogi teuluoedd ym Môn a Gŵyr"
ACCENTED = "Siân, Zoë and Chloé's team worked with families across Ynys Môn and Llŷn."


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def test_a_childs_name_in_lookalike_letters_is_flagged(client: TestClient, keys: Keys) -> None:
    sent = submit(client, keys.leeds, make_draft(body=f"{ACCENTED}\n\n{CYRILLIC_NAME}"))
    assert sent.status_code == 201, sent.text
    findings = sent.json()["safeguarding"]["findings"]
    assert [(f["kind"], f["passage"]) for f in findings] == [("name_and_age", CYRILLIC_NAME)]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", MIXED, "“Mіа” mixes Cyrillic and Latin letters"),
        ("summary", f"Mentors for b\u043eth parents and {MIXED}.", "“bоth” mixes Cyrillic"),
        ("title", ZALGO, "has 4 accents or marks stacked on it"),
    ],
)
def test_mixed_alphabets_and_stacked_marks_are_refused_saying_what_to_fix(
    client: TestClient, keys: Keys, field: str, value: str, words: str
) -> None:
    refused = submit(client, keys.leeds, make_draft(**{field: value}))
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert error["pointer"] == f"#/body/{field}"
    assert words in error["detail"]
    listed = client.get("/api/v1/submissions", headers={"Authorization": f"Bearer {keys.leeds}"})
    assert listed.json()["total"] == 0  # nothing written


def test_welsh_and_accented_text_goes_through_unflagged(client: TestClient, keys: Keys) -> None:
    sent = submit(client, keys.leeds, make_draft(title=WELSH, summary=ACCENTED))
    assert sent.status_code == 201, sent.text
    assert sent.json()["title"] == WELSH and sent.json()["summary"] == ACCENTED
    assert sent.json()["safeguarding"]["flagged"] is False


def test_the_form_names_the_field_and_the_word_to_retype(
    client: TestClient, smtp: SmtpServer
) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    typed = form(title=MIXED, solution=f"The hub w\u043erked with {ZALGO}.", action="continue")
    page = post(leeds, "/submit/new", typed)
    assert page.status_code == 422
    assert '<a href="#title">Title: “Mіа” mixes Cyrillic and Latin letters' in page.text
    assert '<a href="#solution">The solution: “wоrked” mixes Cyrillic' in page.text
    leeds.get("/submit/new")
    fine = post(leeds, "/submit/new", form(title=WELSH, summary=ACCENTED, action="continue"))
    assert fine.status_code == 303
