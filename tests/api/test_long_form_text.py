"""Text pasted into a signed-in form's field, however long (up to the request's size limit), gets
the form back with its error summary and what was typed still in it: never the bare "Something
in this address is not right" page, which loses the form (found by a walk: 1,001 characters
pasted into Everyday words' phrase did that on every page form)."""

import html

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, mailing
from tests.api.conftest import Keys
from tests.api.test_moderation_pages import decide, flagged
from tests.api.test_people_and_forms import signed_in

LONG = "word " * 1_200  # 6,000 characters: over any field's limit, well under the body's


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def moderator(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, "moderator@campaign.example", "moderator")


def said_what_to_fix(page: object, field: str) -> None:
    """The form came back (422) with an error summary linking to the field, and the long text
    is still there to be cut down, not lost."""
    text = getattr(page, "text", "")
    assert getattr(page, "status_code", None) == 422, text[:500]
    assert "There is a problem" in text and "Something in this address" not in text
    assert f'href="#{field}' in text  # the summary's link to the field (or its group)
    assert html.escape(LONG.strip(), quote=True)[:200] in text


@pytest.mark.parametrize(
    ("path", "field", "others"),
    [
        ("/moderation/synonyms", "phrase", {"targets": "looked after children"}),
        ("/moderation/synonyms", "targets", {"phrase": "kids in care"}),
        ("/moderation/synonyms", "note", {"phrase": "traineeships", "targets": "apprenticeships"}),
        ("/moderation/best-bets", "query", {"slug": "north-family-support"}),
        ("/moderation/embeds", "origin", {}),
        ("/moderation/embeds", "note", {"origin": "https://www.example.org"}),
        ("/people", "email", {"role": "council", "council": "Leeds City Council"}),
        ("/people", "council", {"email": "officer@leeds.example", "role": "council"}),
    ],
)
def test_a_long_paste_into_a_moderators_form_is_kept_and_explained(
    client: TestClient, moderator: Person, path: str, field: str, others: dict[str, str]
) -> None:
    moderator.get(path)
    said_what_to_fix(moderator.submit(path, {**others, field: LONG}), field)


def test_a_long_paste_into_a_decisions_words_is_kept_and_explained(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    record = flagged(client, keys)
    said_what_to_fix(decide(moderator, record["id"], "reject", record["version"], LONG), "words")


def test_a_long_paste_into_the_sign_in_form_is_kept_and_explained(client: TestClient) -> None:
    person = Person.at(client)
    said_what_to_fix(person.ask_for_link(LONG), "email")
