"""The council officer's list, in sections by what each item waits on: what the moderators
sent back first, then what waits on them, what is published, drafts and what is closed; a long
section shows its first ten and links to all of it."""

import re

from fastapi.testclient import TestClient

from testkit.factories import make_draft
from tests.api.browsing import Person
from tests.api.conftest import Keys, auth, submit
from tests.api.test_amendments import decide as decide_changes
from tests.api.test_amendments import propose, published
from tests.api.test_moderation_pages import decide, leeds, moderator, settings

__all__ = ["leeds", "moderator", "settings"]  # the fixtures, shared


def test_what_was_sent_back_comes_first_and_every_item_is_reachable(
    client: TestClient, moderator: Person, leeds: Person, keys: Keys
) -> None:
    """Eleven drafts used to come first, and a case study just sent back was far below them."""
    for n in range(11):
        leeds.get("/submit/new")
        saved = leeds.submit("/submit/new", {"title": f"Draft number {n}", "action": "save"})
        assert saved.status_code == 303
    ids = {
        title: submit(client, keys.leeds, make_draft(title=title)).json()["id"]
        for title in ("Asked to change", "Taken down", "Waiting one", "Live one", "Turned down")
    }
    assert decide(moderator, ids["Asked to change"], "request-changes", 1, "Numbers?").status_code
    for title in ("Taken down", "Live one"):
        assert decide(moderator, ids[title], "publish", 1).status_code == 303
    assert decide(moderator, ids["Taken down"], "unpublish", 2, "Names a child.").status_code
    assert decide(moderator, ids["Turned down"], "reject", 1, "Not children's services.")

    page = leeds.get("/my/submissions").text
    headings = re.findall(r'<h2 id="(\w+)">', page)
    assert headings == ["changes_requested", "submitted", "published", "drafts", "closed"]
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Sent back to you : 2" in text and "Drafts : 11" in text  # the contents, with counts
    sent_back = page.split('<h2 id="changes_requested">')[1].split('<h2 id="submitted">')[0]
    assert "Asked to change" in sent_back and "Taken down" in sent_back
    assert "Unpublished" in sent_back and "Changes requested" in sent_back
    assert "Waiting one" in page.split('<h2 id="submitted">')[1].split('<h2 id="published">')[0]
    assert "Turned down" in page.split('<h2 id="closed">')[1]
    assert page.count("Draft number") == 10  # the first ten, and a link to all eleven
    assert 'href="/my/submissions?state=drafts">See all 11' in page

    drafts = leeds.get("/my/submissions?state=drafts")
    assert drafts.status_code == 200 and drafts.text.count("Draft number") == 11
    assert "<h1>Drafts</h1>" in drafts.text and "Asked to change" not in drafts.text
    assert leeds.get("/my/submissions?state=nonsense").status_code == 404


def test_proposed_changes_sent_back_wait_on_the_officer_near_the_top(
    client: TestClient, leeds: Person, keys: Keys
) -> None:
    """Changes proposed to a published case study and sent back were listed only under
    Published, the eleventh of them not at all on the first page."""
    for n in range(11):
        published(client, keys, title=f"Live number {n}")
    live = published(client, keys, title="Live with changes asked for")
    changes = propose(client, keys.leeds, live, {"summary": "A longer summary of the hub."})
    assert changes.status_code == 201, changes.text
    asked = decide_changes(
        client, keys, changes.json()["id"], "request-changes", {"message": "Where?"}
    )
    assert asked.status_code == 200, asked.text

    page = leeds.get("/my/submissions").text
    headings = re.findall(r'<h2 id="(\w+)">', page)
    assert headings == ["changes_sent_back", "published"]
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Proposed changes sent back to you : 1" in text and "Published : 12" in text
    sent_back = page.split('<h2 id="changes_sent_back">')[1].split('<h2 id="published">')[0]
    assert "Live with changes asked for" in sent_back and "Live number" not in sent_back
    assert "Changes requested" in sent_back  # the proposed changes' state, beside Published
    assert f'href="/my/submissions/{live["id"]}#changes"' in sent_back

    alone = leeds.get("/my/submissions?state=changes_sent_back")
    assert alone.status_code == 200 and "<h1>Proposed changes sent back to you</h1>" in alone.text
    assert "Live with changes asked for" in alone.text

    client.patch(  # sent again: it waits on the moderators, and leaves the section
        f"/api/v1/amendments/{changes.json()['id']}",
        json={"summary": "A longer summary of the hub, in Leeds."},
        headers=auth(keys.leeds),
    )
    again = leeds.get("/my/submissions").text
    assert 'id="changes_sent_back"' not in again


def test_a_draft_of_changes_names_its_case_study_and_whether_it_is_published(
    client: TestClient, leeds: Person, keys: Keys
) -> None:
    """Two drafts of changes to case studies of one title read alike ("Changes to a submission");
    each names its reference and its case study's state."""
    live = published(client, keys, title="Family hubs")
    sent_back = submit(client, keys.leeds, make_draft(title="Family hubs")).json()["id"]
    asked = client.post(
        f"/api/v1/moderation/{sent_back}/request-changes",
        json={"message": "Numbers?"},
        headers=auth(keys.moderator),
    )
    assert asked.status_code == 200
    for record in (live["id"], sent_back):
        leeds.get(f"/my/submissions/{record}")
        assert leeds.submit(f"/my/submissions/{record}/amend").status_code == 303
    drafts = leeds.get("/my/submissions").text.split('<h2 id="drafts">')[1]
    kinds = re.findall(r"<tr>\s*<td><a [^>]+>[^<]*</a></td>\s*<td>(.*?)</td>", drafts, re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", kind).split()) for kind in kinds] == [
        f"Changes to BF-{sent_back:05d} Changes requested",
        f"Changes to BF-{live['id']:05d} Published (stays as it is until your changes are"
        " published)",
    ]
