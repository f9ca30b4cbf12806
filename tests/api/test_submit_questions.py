"""The questions a case study helps answer, as an officer types them in the form (one a line,
with bullets or without, blank lines between) and reads them back: on check your answers as
the list they will be published as, with a finding marked in its line and quoted without its
bullet; in their submission; and one a line, unchanged, in the form when they start a change to
it."""

import re

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from testkit.factories import make_draft
from testkit.smtp import SmtpServer
from tests.api.browsing import mailing
from tests.api.conftest import Keys, submit
from tests.api.test_people_and_forms import signed_in as person
from tests.api.test_submit_pages import LEEDS, draft_id, form, post, signed_in, tagged

TYPED = (
    "- my daughter won't go to school, where do we start?\n"
    "* how can volunteers help teenagers back into lessons\n"
    "\n"
    "   \n"
    "reducing persistent absence without exclusions  \n"
    "- Chloe, 15, had missed most of Year 10, what helps?\n"
)
QUESTIONS = [
    "my daughter won't go to school, where do we start?",
    "how can volunteers help teenagers back into lessons",
    "reducing persistent absence without exclusions",
    "Chloe, 15, had missed most of Year 10, what helps?",
]


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    return mailing(settings, smtp)


def items(html: str, where: str) -> list[str]:
    """The list items' text in the part of the page with this id."""
    part = html.split(f'id="{where}"')[1].split("</dl>")[0].split("</ul>")[0]
    found = re.findall(r"<li>(.*?)</li>", part, re.S)
    return [re.sub(r"<[^>]+>", "", item).replace("&#39;", "'") for item in found]


def test_questions_typed_one_a_line_read_back_as_the_list_published(
    client: TestClient, smtp: SmtpServer
) -> None:
    leeds = signed_in(client, smtp, LEEDS, "Leeds City Council")
    leeds.get("/submit/new")
    number = draft_id(post(leeds, "/submit/new", form(questions=TYPED) | {"action": "continue"}))
    tagged(leeds, number)

    check = leeds.get(f"/submit/drafts/{number}/check").text
    # As they will be published: a list, no bullets typed, no blank lines ...
    assert items(check, "answer-questions") == QUESTIONS
    assert "- my daughter" not in check and "* how can" not in check
    # ... with the safeguarding finding marked in its line, the bullet left out of the mark,
    # and quoted as its words in the findings at the top, as on the form beside the field.
    assert '">Chloe, 15, had missed most of Year 10, what helps?</mark></li>' in check
    quoted = "Chloe, 15, had missed most of Year 10, what helps?</q>"
    summary = check.split('id="safeguarding-title"')[1].split("</ul>")[0]
    assert f"Questions it helps answer: <q>{quoted}" in summary
    on_form = leeds.get(f"/submit/drafts/{number}").text.split('id="questions-findings"')[1]
    assert f'<q class="finding-words">{quoted}' in on_form.split("</ul>")[0]

    changed = TYPED.replace("- Chloe, 15, had missed most of Year 10,", "- a girl missing school,")
    leeds.get(f"/submit/drafts/{number}?checking=true")
    post(leeds, f"/submit/drafts/{number}", form(questions=changed) | {"action": "continue"})
    tagged(leeds, number)
    leeds.get(f"/submit/drafts/{number}/check")
    sent = post(leeds, f"/submit/drafts/{number}/send", {})
    record = int(sent.headers["location"].rsplit("/", 1)[1])
    now = [*QUESTIONS[:3], "a girl missing school, what helps?"]

    own = leeds.get(f"/my/submissions/{record}").text
    assert ">Questions it helps answer</h2>" in own
    listed = re.findall(r"<li>(.*?)</li>", own.split(">Questions it helps answer</h2>")[1])
    assert [q.replace("&#39;", "'") for q in listed[:4]] == now

    started = post(leeds, f"/my/submissions/{record}/amend", {})
    again = leeds.get(started.headers["location"]).text
    typed = re.search(r'<textarea[^>]*id="questions"[^>]*>(.*?)</textarea>', again, re.S)
    assert typed and typed.group(1).strip().replace("&#39;", "'").splitlines() == now


def test_a_flagged_question_is_quoted_and_marked_as_its_words_for_the_moderators(
    client: TestClient, smtp: SmtpServer, keys: Keys
) -> None:
    """The check's passage is the item's words, and the review page marks them inside their
    item: a mark before the bullet ran the item into the one above ("…start?- Chloe, 15, …")."""
    body = "## The challenge\n\nPupils missed school.\n\n## Questions it helps answer\n\n"
    body += "".join(f"- {question}\n" for question in QUESTIONS)
    sent = submit(client, keys.leeds, make_draft(body=body))
    assert sent.status_code == 201, sent.text
    assert [f["passage"] for f in sent.json()["safeguarding"]["findings"]] == [QUESTIONS[3]]
    moderator = person(client, smtp, "mod@campaign.example", "moderator")
    review = moderator.get(f"/moderation/submissions/{sent.json()['id']}").text
    listed = review.split(">Questions it helps answer</h2>")[1].split("</ul>")[0]
    assert listed.count("<li>") == 4
    assert f'<li><mark class="finding">{QUESTIONS[3]}</mark></li>' in listed
