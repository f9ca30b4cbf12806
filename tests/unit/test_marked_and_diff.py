"""The review page's two readings of a submission: safeguarding passages marked in the rendered
text (found again whatever the spacing, never letting markup through), and an amendment's
changes word by word."""

from app.core.marked import marked_markdown, marked_text, with_marks
from app.core.textdiff import changed_fields, field_diffs, word_runs


def test_a_passage_is_marked_where_it_is_in_the_rendered_markdown() -> None:
    body = "## The challenge\n\nChloe, 15, went to **Hill\n  School** in Year 9. Then more."
    html = marked_markdown(body, ["Chloe, 15, went to **Hill School** in Year 9."])
    assert (
        '<mark class="finding">Chloe, 15, went to <strong>Hill\nSchool</strong> in Year 9.</mark>'
        in html
    )
    assert "<h2>The challenge</h2>" in html and html.count("<mark") == 1


def test_a_marked_list_item_stays_an_item() -> None:
    """The mark goes after the bullet, also for a passage stored with it (before the check
    left bullets out): a mark before "- " made the item run into the one above."""
    body = "## Questions it helps answer\n\n- who helps nans?\n- Amy, 7, lives with her nan.\n"
    for passage in ("Amy, 7, lives with her nan.", "- Amy, 7, lives with her nan."):
        html = marked_markdown(body, [passage])
        assert html.count("<li>") == 2, html
        assert '<li><mark class="finding">Amy, 7, lives with her nan.</mark></li>' in html


def test_a_cut_passage_is_still_found_and_a_missing_one_marks_nothing() -> None:
    text, found = with_marks("Max (14) lives at 12 Park Road with his nan.", ["Max (14) lives at…"])
    assert found == 1 and text.startswith("\ue000Max (14) lives at\ue001")
    assert with_marks("Nothing here.", ["Chloe, 15"]) == ("Nothing here.", 0)


def test_marks_never_let_markup_through() -> None:
    html = marked_text('<script>alert(1)</script> Max (14) "x"', ["Max (14)"])
    assert "<script" not in html and '<mark class="finding">Max (14)</mark>' in html
    hostile = marked_markdown("[a](javascript:alert(1)) \ue001 <img src=x onerror=alert(1)>", [])
    assert "href" not in hostile and "<img" not in hostile and "</mark>" not in hostile


def test_an_amendment_reads_word_by_word() -> None:
    runs = word_runs("She has not been missing.", "Of 12, 10 have not been missing.")
    assert [(r.kind, r.text) for r in runs] == [
        ("removed", "She has "),
        ("added", "Of 12, 10 have "),
        ("same", "not been missing."),
    ]
    (outcomes,) = field_diffs({"outcomes": {"from": ["a rose"], "to": ["a rose", "b fell"]}})
    assert outcomes.field == "outcomes"
    assert "".join(r.text for r in outcomes.runs if r.kind != "removed") == "a rose\nb fell"


def test_the_body_is_compared_as_it_reads_not_as_markdown() -> None:
    before = "## The challenge\n\nWe needed foster carers.\n\n- one\n- two"
    after = (
        "## The challenge\n\nWe needed **more** foster carers, see [the report](https://e.org/r)."
        "\n\n- one\n- *two*\n\n<script>alert(1)</script>"
    )
    (body,) = field_diffs({"body": {"from": before, "to": after}})
    assert body.field == "challenge"  # the section that changed, by the form's name for it
    kept = "".join(r.text for r in body.runs if r.kind != "removed")
    assert kept == (
        "We needed more foster carers, see the report (https://e.org/r).\n\n"
        "• one\n• two\n\n<script>alert(1)</script>"  # text: the page escapes it
    )
    added = [r.text for r in body.runs if r.kind == "added"]
    assert added[0] == "more " and "the report (https://e.org/r)" in added[1]
    assert not any(mark in r.text for r in body.runs for mark in ("**", "##", "](", "- "))
    assert not body.only_formatting
    (styled,) = field_diffs({"body": {"from": "We met **weekly**.", "to": "We met *weekly*."}})
    assert styled.only_formatting
    (title,) = field_diffs({"title": {"from": "**Hub**", "to": "Hub"}})  # not Markdown
    assert not title.only_formatting


def test_a_date_changed_reads_as_people_write_dates() -> None:
    """The review page showed 'Published' going from 2024-03 to 2024-03-05."""
    (published,) = field_diffs({"published": {"from": "2024-03", "to": "2024-03-05"}})
    assert [(run.kind, run.text) for run in published.runs] == [
        ("added", "5 "),
        ("same", "March 2024"),
    ]


def test_a_body_is_compared_section_by_section_when_it_is_all_in_sections() -> None:
    """Each section that changed is a diff of its own, named as the form names it; a body with
    text outside the form's sections (one sent through the API) is compared whole."""
    before = "## The challenge\n\nCarers alone.\n\n## Questions it helps answer\n\n- who helps?\n"
    after = before.replace("who helps?", "who helps nans?")
    (questions,) = field_diffs({"body": {"from": before, "to": after}})
    assert questions.field == "questions"
    assert [r.text for r in questions.runs if r.kind == "added"] == ["helps nans?"]
    assert changed_fields({"body": {"from": before, "to": after}, "title": {}}) == [
        "questions",
        "title",
    ]
    loose = "Carers alone.\n\n## Our own heading\n\nwho helps?"
    (whole,) = field_diffs({"body": {"from": loose, "to": loose.replace("who", "what")}})
    assert whole.field == "body"
