"""The form's fields and the content they make: the body's sections survive a round trip, empty
and broken fields are named in GOV.UK's words, and the safeguarding check says where in the
text it found something."""

import pytest

from app.core import drafting, safeguarding
from app.core.errors import Invalid
from testkit.factories import make_draft


def test_stored_content_comes_back_to_the_form_and_goes_again_unchanged() -> None:
    draft = make_draft(body=make_draft()["body"] + "\n## Lessons learned\n\nStart small.\n")
    fields = drafting.fields_of(draft)
    assert fields["lessons"] == "Start small."
    assert fields["outcomes"] == "Carers supported rose from 40 to 95"
    content = drafting.check(fields, "Leeds City Council")
    assert content.body == draft["body"].strip()
    assert content.outcomes == draft["outcomes"]


def test_a_body_without_the_known_headings_stays_whole_in_the_challenge() -> None:
    fields = drafting.fields_of(make_draft(body="Intro.\n\n## Our approach\n\nWe listened."))
    assert fields["challenge"] == "Intro.\n\n## Our approach\n\nWe listened."
    assert fields["solution"] == ""


def test_each_missing_or_broken_field_is_named_in_plain_words() -> None:
    fields = drafting.fields_of(make_draft()) | {
        "summary": " ",
        "themes": ["not-a-theme"],
        "published": "last year",
        "solution": "",
    }
    with pytest.raises(Invalid) as refused:
        drafting.check(fields, "Leeds City Council")
    assert refused.value.errors == [
        {"detail": "Enter a summary", "pointer": "#/summary"},
        {"detail": "Enter the solution", "pointer": "#/solution"},
        {
            "detail": "Date first published must be a real date in the past, "
            "like 2024, 2024-03 or March 2024",
            "pointer": "#/published",
        },
        {"detail": refused.value.errors[3]["detail"], "pointer": "#/themes"},  # type: ignore[index]
    ]
    assert "unknown theme 'not-a-theme'; allowed: early-years" in refused.value.errors[3]["detail"]  # type: ignore[index]


def test_the_check_says_which_sentence_it_found_something_in() -> None:
    text = "Our hub opened in 2019. Max (14) was referred twice.\nCall 0113 496 0000."
    spans = safeguarding.flagged(text)
    assert [(text[start:end], kinds) for start, end, kinds in spans] == [
        ("Max (14) was referred twice.", ["name_and_age"]),
        ("Call 0113 496 0000.", ["phone_number"]),
    ]


def test_the_plain_words_come_apart_from_the_rest_of_the_body() -> None:
    body = (
        "## The challenge\n\nToo many moves.\n\n## In plain words\n\nChildren kept moving home."
        "\n\n## The solution\n\nOne team stayed."
    )
    plain, rest = drafting.plain_words(body)
    assert plain == "Children kept moving home."
    assert rest == "## The challenge\n\nToo many moves.\n\n## The solution\n\nOne team stayed."
    assert drafting.plain_words("## The challenge\n\nNone here.") == (
        "",
        "## The challenge\n\nNone here.",
    )


def test_the_plain_words_go_first_in_the_body_and_come_back_to_their_field() -> None:
    fields = drafting.fields_of(make_draft()) | {"plain": "Help for families, said simply."}
    content = drafting.check(fields, "Leeds City Council")
    assert content.body.startswith("## In plain words\n\nHelp for families, said simply.\n")
    assert drafting.fields_of(content.model_dump())["plain"] == "Help for families, said simply."


def test_questions_are_typed_one_a_line_and_stored_as_a_list_last_in_the_body() -> None:
    fields = drafting.fields_of(make_draft()) | {
        "questions": "how do I help my son stay at school?\n\n* what works on exclusions\n"
    }
    body = drafting.body_of(fields)
    assert body.endswith(
        "## Questions it helps answer\n\n"
        "- how do I help my son stay at school?\n- what works on exclusions\n"
    )
    again = drafting.fields_of({"body": body})
    assert again["questions"] == "how do I help my son stay at school?\nwhat works on exclusions"
    assert "Questions" not in again["impact"]
    questions, rest = drafting.apart(body, "questions")
    assert questions.splitlines() == [
        "- how do I help my son stay at school?",
        "- what works on exclusions",
    ]
    assert "Questions it helps answer" not in rest and "## The impact" in rest


def test_numbered_questions_are_published_as_the_list_without_their_numbers() -> None:
    """Kept, "1. how …" was stored as "- 1. how …", which Markdown publishes as a numbered list
    inside each bullet, while check your answers showed "1. how …" as the item's words."""
    typed = "1. how do we start?\n2) what does it cost?\n+ who helps?\n2024 was our first year"
    assert drafting.body_of({"questions": typed}).endswith(
        "\n\n- how do we start?\n- what does it cost?\n- who helps?\n- 2024 was our first year\n"
    )
    assert [typed[a:b] for a, b in drafting.line_spans(typed)][:2] == [
        "how do we start?",
        "what does it cost?",
    ]


def test_a_question_typed_as_a_heading_or_a_quote_is_published_as_its_words() -> None:
    """Kept, "# …" published a heading inside the item, and "> …" a quotation."""
    typed = "# how do we start?\n>what does it cost?\n> > who helps?\n#hashtags are words"
    assert drafting.body_of({"questions": typed}).endswith(
        "\n\n- how do we start?\n- what does it cost?\n- who helps?\n- #hashtags are words\n"
    )


def test_a_line_of_only_a_bullet_is_no_question() -> None:
    typed = "- \n  *  \n• what helps a girl who won't go to school?\n-"
    assert drafting.body_of({"questions": typed}).endswith(
        "\n\n- what helps a girl who won't go to school?\n"
    )
    start, end = drafting.line_spans(typed)[0]
    assert typed[start:end] == "what helps a girl who won't go to school?"
