"""The moderators' review pages (a submission's and an amendment's) in words a moderator reads:
who did each thing by the address the People page lists them under, not an account's number (and
on a council's own page, the campaign team as a team);
proposed tags explained by the case studies' titles; the changes as text, not Markdown."""

import re

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import Person, mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_amendments import propose
from tests.api.test_moderation_pages import FLAGGED_BODY, decide, flagged
from tests.api.test_people_and_forms import signed_in
from tests.api.test_submission_versions import act

MODERATOR, LEEDS = "moderator@campaign.example", "officer@leeds.example"


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


@pytest.fixture
def moderator(client: TestClient, smtp: SmtpServer) -> Person:
    return signed_in(client, smtp, MODERATOR, "moderator")


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_the_history_names_a_moderator_by_their_address_not_a_number(
    client: TestClient, smtp: SmtpServer, moderator: Person, keys: Keys
) -> None:
    leeds = signed_in(client, smtp, LEEDS, "council", "Leeds City Council")
    record = flagged(client, keys)
    rid = record["id"]
    assert decide(moderator, rid, "confirm-safeguarding", 1, "Invented name.").status_code == 303
    assert decide(moderator, rid, "publish", 2).status_code == 303
    page = moderator.get(f"/moderation/submissions/{rid}").text
    history = text(section(page, "history-heading"))
    assert "user " not in history and "moderator user" not in page
    assert f"by {MODERATOR} (moderator)" in history  # confirmed, then published
    assert history.count(f"by {MODERATOR} (moderator)") == 2
    assert re.search(r"by Leeds City Council \(council key \d+\)", history)  # a key: as stored
    assert f"Confirmed for version 1 by {MODERATOR} (moderator)." in text(page)
    # On an amendment's review page too, for the events of the case study before it.
    amendment = propose(client, keys.leeds, record, {"summary": "A shorter summary now."})
    assert amendment.status_code == 201, amendment.text
    page = moderator.get(f"/moderation/amendments/{amendment.json()['id']}").text
    assert f"by {MODERATOR} (moderator)" in text(section(page, "history-heading"))
    assert "moderator user" not in page
    # The council's own page names the campaign team as a team: no moderator's address or
    # account number reaches it.
    mine = leeds.get(f"/my/submissions/{rid}").text
    assert MODERATOR not in mine and "moderator user" not in mine
    assert text(mine).count("by the campaign team") == 2  # confirmed, then published
    assert re.search(r"by Leeds City Council \(council key \d+\)", text(mine))


def test_proposed_tags_are_explained_by_the_case_studies_titles(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    draft = make_draft(
        title="Recruiting foster carers for teenagers",
        summary="Recruiting foster carers for teenagers on the edge of care, with family support.",
    )
    record = submit(client, keys.leeds, draft).json()
    tags = text(
        section(moderator.get(f"/moderation/submissions/{record['id']}").text, "tags-heading")
    )
    carried = re.search(
        r"(\d) of the (\d) most similar published case studies (carry|carries) it: “", tags
    )
    assert carried is not None, tags
    assert (carried.group(3) == "carries") == (carried.group(1) == "1")
    assert "Recruiting foster carers for teenagers”" in tags  # south-fostering's title
    assert "south-fostering" not in tags
    for named in re.findall(r"carr(?:y|ies) it: ((?:“[^”]+”(?:, )?)+)", tags):
        assert named.count("“") <= 2  # two titles at most, then "and N more"
    # The API's reasons keep the slugs a client looks up in `similar`, and nothing more.
    api = client.post("/api/v1/submissions/suggest-tags", json=draft, headers=auth(keys.leeds))
    reasons = [
        r for kind in ("priority_areas", "themes") for s in api.json()[kind] for r in s["reasons"]
    ]
    assert any("carry it: " in r and "south-fostering" in r for r in reasons)
    assert all(set(s) == {"value", "label", "score", "reasons"} for s in api.json()["themes"])


def test_the_changes_read_as_text_not_markdown_and_stay_escaped(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    record = submit(client, keys.leeds, make_draft(title="Hub", body=FLAGGED_BODY)).json()
    body = FLAGGED_BODY.replace(
        "A youth worker met her weekly.",
        "A **youth worker** met her [weekly](https://example.org/plan).",
    )
    assert act(client, keys.leeds, record["id"], "amend", body={"body": body}).status_code == 200
    diff = section(moderator.get(f"/moderation/submissions/{record['id']}").text, "diff-heading")
    assert "**" not in diff and "## " not in diff and "](" not in diff
    assert "<h3>The solution</h3>" in diff and "The challenge" not in diff  # that section alone
    assert "A youth worker met her " in text_runs(diff)
    assert re.search(r"<ins>.*weekly \(https://example.org/plan\)\.", diff)
    assert "<strong>" not in diff and "<a " not in diff  # text, not the rendered Markdown
    # Only the formatting changed: the page says so, where it would show no marks at all.
    again = body.replace("A **youth worker**", "A *youth worker*")
    assert act(client, keys.leeds, record["id"], "amend", body={"body": again}).status_code == 200
    diff = section(moderator.get(f"/moderation/submissions/{record['id']}").text, "diff-heading")
    assert "Only its formatting changed" in diff and "<ins><span" not in diff


def text_runs(html: str) -> str:
    """The diff's text with its marks taken out, as it reads."""
    return re.sub(r'<span class="visually-hidden">[^<]*</span>|<[^>]+>', "", html)


def test_the_safeguarding_findings_say_where_in_words_not_the_apis_field(
    client: TestClient, moderator: Person, keys: Keys
) -> None:
    """'The text names someone next to their age', not the API's 'body names someone next to
    their age: remove or anonymise it' (the API keeps its message)."""
    sent = submit(
        client,
        keys.leeds,
        make_draft(title="Call 0113 496 0000 for the hub", body=FLAGGED_BODY),
    ).json()
    found_by_api = sent["safeguarding"]["findings"]
    assert any(f["message"].startswith("body names") for f in found_by_api)
    page = moderator.get(f"/moderation/submissions/{sent['id']}").text
    found = text(section(page, "safeguarding-heading"))
    assert "The text names someone next to their age Chloe, 15, was missing" in found
    assert "The title gives a phone number" in found
    assert "body " not in found and "anonymise" not in found
