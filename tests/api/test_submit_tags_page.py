"""The officer's form is two pages, one thing each (GOV.UK's "one thing per page"): the writing,
then the tags, then check your answers. Each page saves its own fields (never the other's),
shows its own errors, keeps the draft's version check, and the tags the saved text suggests are
on the tags page without JavaScript."""

import re

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.core.vocabulary import get_vocabulary
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import mailing
from tests.api.conftest import Keys, auth, submit
from tests.api.test_submit_pages import LEEDS, TAGS, draft_id, form, post, signed_in


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def boxes(page: str, name: str) -> list[str]:
    """The values of the ticked boxes named `name`."""
    return re.findall(rf'name="{name}" type="checkbox" value="([^"]+)"[^>]*? checked', page)


# The back link is the form's button, so that the boxes ticked go with it.
BACK = (
    '<button type="submit" form="tags-form" name="action" value="back" class="link-button">'
    "Back to {what}</button>"
)


def suggested_boxes(page: str, name: str) -> list[str]:
    """The values of the boxes named `name` whose hint says the text suggests them."""
    return re.findall(
        rf'name="{name}" type="checkbox" value="([^"]+)" aria-describedby="[^"]*-suggested[ "]',
        page,
    )


def test_the_tags_are_a_page_of_their_own_after_the_writing(
    client: TestClient, smtp: SmtpServer
) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    writing = leeds.get("/submit/new").text
    assert 'name="themes"' not in writing and "Tag" not in writing.split("<form")[1]
    # Continue follows the last writing field, not 55 tag boxes
    tail = writing.split('id="source_url"')[1]
    assert tail.index('value="continue">Continue</button>') < tail.index("</form>")
    assert 'type="checkbox"' not in tail

    written = post(leeds, "/submit/new", form(action="continue"))  # the tags it posts are not its
    number = draft_id(written)
    assert written.headers["location"] == f"/submit/drafts/{number}/tags"
    page = leeds.get(written.headers["location"])
    assert page.status_code == 200 and "<h1>Tag your case study</h1>" in page.text
    assert "<textarea" not in page.text and 'name="title"' not in page.text
    assert f'action="/submit/drafts/{number}/tags"' in page.text
    assert 'name="version" value="1"' in page.text
    assert boxes(page.text, "themes") == []  # the writing page's post ticked nothing
    assert BACK.format(what="the writing") in page.text
    # What the saved text suggests, worked out on the server: no script on this page.
    assert suggested_boxes(page.text, "themes")
    assert "submit.js" not in page.text

    # Nothing ticked: the errors on this page, linking to its groups; the writing is kept.
    none = post(leeds, f"/submit/drafts/{number}/tags", {"action": "continue", "version": "1"})
    assert none.status_code == 422 and "<title>Error: Tag your case study" in none.text
    for kind, message in (("priority_areas", "Select at least one priority area"),
                          ("age_bands", "Select at least one age band"),
                          ("themes", "Select at least one theme")):  # fmt: skip
        assert f'<a href="#{kind}-group">{message}</a>' in none.text
        assert f'id="{kind}-error"' in none.text
    assert "Enter a title" not in none.text

    assert 'name="version" value="2"' in none.text  # what was ticked (nothing) is saved
    # A save from the page as first read, since saved over: refused, the ticks still there.
    older = post(leeds, f"/submit/drafts/{number}/tags", {"themes": ["housing"], "version": "1"})
    assert older.status_code == 409 and '<a href="#priority_areas-group">Someone else' in older.text
    assert boxes(older.text, "themes") == ["housing"]
    ticked = {name: form()[name] for name in TAGS}
    leeds.get(f"/submit/drafts/{number}/tags")
    tags = f"/submit/drafts/{number}/tags"
    done = post(leeds, tags, ticked | {"action": "continue", "version": "2"})
    assert done.headers["location"] == f"/submit/drafts/{number}/check"

    leeds.get(f"/submit/drafts/{number}")
    summary = "Mentors for teenagers who miss school, weekly."
    saved = post(leeds, f"/submit/drafts/{number}", form(summary=summary, action="save"))
    assert saved.headers["location"] == f"/submit/drafts/{number}?saved=true"
    check = leeds.get(f"/submit/drafts/{number}/check")  # the writing's save kept the tags
    assert check.status_code == 200 and summary in check.text
    assert "Education" in check.text.split('id="answer-themes"')[1]
    assert f'href="/submit/drafts/{number}/tags">Back to the tags</a>' in check.text

    # Change from the check: back to it from either page.
    change = leeds.get(f"/submit/drafts/{number}/tags?checking=true")
    assert BACK.format(what="check your answers") in change.text
    back = post(leeds, tags, ticked | {"action": "continue", "checking": "true"})
    assert back.headers["location"] == f"/submit/drafts/{number}/check"
    leeds.get(f"/submit/drafts/{number}?checking=true")
    again = post(leeds, f"/submit/drafts/{number}", form(action="continue", checking="true"))
    assert again.headers["location"] == f"/submit/drafts/{number}/check"


def test_a_draft_not_yet_tagged_is_sent_to_the_tags_page(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    """The check (or Send) of a draft whose writing is done but not its tags shows the tags page
    with what to fix; one with both to fix shows the writing page first, with its own errors."""
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    number = draft_id(post(leeds, "/submit/new", form(action="save")))
    check = leeds.get(f"/submit/drafts/{number}/check")
    assert check.status_code == 422 and "<h1>Tag your case study</h1>" in check.text
    assert '<a href="#themes-group">Select at least one theme</a>' in check.text
    assert f'action="/submit/drafts/{number}/tags"' in check.text
    leeds.get("/submit/new")
    empty = draft_id(post(leeds, "/submit/new", {"title": "Mentors", "action": "save"}))
    both = leeds.get(f"/submit/drafts/{empty}/check")
    assert both.status_code == 422 and "Enter a summary" in both.text
    assert "Select at least one theme" not in both.text and 'name="themes"' not in both.text
    # The tags page's Continue answers for the tags, whatever the writing lacks...
    leeds.get(f"/submit/drafts/{empty}/tags")
    untagged = post(leeds, f"/submit/drafts/{empty}/tags", {"action": "continue"})
    assert untagged.status_code == 422 and "Select at least one theme" in untagged.text
    assert "Enter a summary" not in untagged.text
    # ...and with them chosen goes on to the check, which sends back to the writing.
    ticked = {name: form()[name] for name in TAGS}
    onward = post(leeds, f"/submit/drafts/{empty}/tags", ticked | {"action": "continue"})
    assert onward.headers["location"] == f"/submit/drafts/{empty}/check"
    assert "Enter a summary" in leeds.get(onward.headers["location"]).text

    # A change of a case study already tagged: Continue from the writing goes to its tags.
    record = submit(client, keys.leeds, make_draft(title="Kinship hub")).json()["id"]
    leeds.get(f"/my/submissions/{record}")
    change = draft_id(post(leeds, f"/my/submissions/{record}/amend", {}))
    tags = leeds.get(f"/submit/drafts/{change}/tags")
    assert "<h1>Change the tags</h1>" in tags.text
    stored = client.get(f"/api/v1/submissions/{record}", headers=auth(keys.leeds)).json()
    assert boxes(tags.text, "themes") == stored["themes"]


def test_a_long_group_shows_its_ticked_and_suggested_boxes_and_folds_the_rest(
    client: TestClient, smtp: SmtpServer
) -> None:
    """Every priority and theme with its hint made the tags page some 9,000 px on a phone: the
    boxes ticked and those the text suggests show; the rest wait behind a GOV.UK details, closed
    unless the group has an error (without a script, the error summary's link must reach them)."""
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    number = draft_id(post(leeds, "/submit/new", form(action="continue")))
    tags = f"/submit/drafts/{number}/tags"
    leeds.get(tags)
    none = post(leeds, tags, {"action": "continue"})  # nothing ticked: each group has an error
    assert none.status_code == 422
    for kind in ("priority_areas", "themes"):
        assert f'<details class="details tag-more" id="{kind}-more" open>' in none.text
    post(leeds, tags, {name: form()[name] for name in TAGS} | {"action": "save"})

    page = leeds.get(tags).text
    themes = page.split('id="themes-group"')[1].split("</fieldset>")[0]
    shown, folded = themes.split('<details class="details tag-more" id="themes-more">')
    assert sorted(boxes(shown, "themes")) == ["adolescents", "education"]
    suggested = suggested_boxes(themes, "themes")
    assert suggested  # the text suggests some, each a box in view, not ticked
    for value in suggested:
        assert f'value="{value}"' in shown and f'value="{value}"' not in folded
    assert not set(suggested) & set(boxes(shown, "themes"))
    assert boxes(folded, "themes") == []
    rest = folded.count('name="themes"')
    assert shown.count('name="themes"') + rest == len(get_vocabulary().themes)
    assert f'<summary class="details-summary">Show the other {rest} themes</summary>' in folded
    assert 'id="priority_areas-more">' in page  # the priorities fold too; the four ages do not
    assert 'id="age_bands-more"' not in page and page.count('name="age_bands"') == 4


def test_back_to_the_writing_keeps_the_boxes_ticked(client: TestClient, smtp: SmtpServer) -> None:
    """An officer ticks tags, goes back to fix a sentence and comes back: the ticks are there.
    The back link was a link, and lost them; now it saves them on the way, and checks nothing
    (the writing is where the officer is going to fix things). From a change on check your
    answers it goes back to the check, the ticks saved too."""
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    number = draft_id(post(leeds, "/submit/new", form(action="continue")))
    tags = f"/submit/drafts/{number}/tags"
    leeds.get(tags)
    back = post(leeds, tags, {"themes": ["education"], "action": "back", "version": "1"})
    assert back.status_code == 303 and back.headers["location"] == f"/submit/drafts/{number}"
    assert boxes(leeds.get(tags).text, "themes") == ["education"]

    ticked = {name: form()[name] for name in TAGS}
    post(leeds, tags, ticked | {"action": "continue"})
    leeds.get(f"{tags}?checking=true")
    again = post(
        leeds, tags, ticked | {"themes": ["fostering"], "action": "back", "checking": "true"}
    )
    assert again.headers["location"] == f"/submit/drafts/{number}/check"
    assert (
        "Fostering"
        in leeds.get(f"/submit/drafts/{number}/check").text.split('id="answer-themes"')[1]
    )


def test_a_suggested_tag_is_named_once_on_its_own_box(client: TestClient, smtp: SmtpServer) -> None:
    """The tags the text suggests were listed above the boxes and named again on their boxes:
    each is named once, its box's hint saying why it is suggested (read with the box)."""
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    number = draft_id(post(leeds, "/submit/new", form(action="continue")))
    page = leeds.get(f"/submit/drafts/{number}/tags").text
    vocabulary = get_vocabulary()
    for kind, terms in (
        ("themes", vocabulary.themes),
        ("priority_areas", vocabulary.priority_areas),
    ):
        suggested = suggested_boxes(page, kind)
        assert suggested, kind
        labels = {term.slug: term.label for term in terms}
        for value in suggested:
            box = page.split(f'value="{value}"')[1].split('<div class="radio">')[0]
            assert '<strong class="tag-suggested-flag">Suggested</strong>' in box  # and why
            assert page.count(f">{labels[value]}<") == 1, labels[value]
