"""The safeguarding check on realistic sentences, both ways."""

import pytest

from app.config import ROOT
from app.core.collection import read_collection
from app.core.safeguarding import check, check_text, flagged


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (
            "Jamie Smith (date of birth 12/03/2011) attends Oakfield Primary School in Year 6.",
            {"date_of_birth", "name_school_year"},
        ),
        ("Born on 3 March 2010, Leo was placed with his aunt.", {"date_of_birth"}),
        ("Her DOB: 4th July 2012 was wrong on the referral.", {"date_of_birth"}),
        ("Chloe, 15, had been missing three times that month.", {"name_and_age"}),
        ("Max (14) was referred by his school.", {"name_and_age"}),
        ("Tyler, aged 13, joined the youth club.", {"name_and_age"}),
        ("Mrs Patel, 34-year-old mother of three, asked for help.", {"name_and_age"}),
        ("Ruby is in Year 9 at St Mary's Academy.", {"name_school_year"}),
        ("The family lived at 14 Elm Road.", {"home_address"}),
        ("They moved to LS6 2QT last spring.", {"home_address"}),
        ("Call mum on 07700 900123 after school.", {"phone_number"}),
    ],
)
def test_identifying_details_are_flagged(text: str, kinds: set[str]) -> None:
    findings = check_text("body", text)
    assert {f.kind for f in findings} == kinds
    assert all(f.passage == text and f.field == "body" for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "A 14-year-old in Year 9 was supported by the team.",
        "Pupils in Year 6 at Oakfield Primary School took part.",
        "Sarah Jones, Director of Children's Services, said the hub had worked.",
        "Young people aged 16 to 25 were offered apprenticeships.",
        "The service supported 1,234 families in 2019 and saved £1.2m.",
        "Caseloads fell from 22 to 16 (27%) over 2 years.",
        "Ofsted rated the council Good in March 2019.",
        "Children born in 2010 were the first cohort.",
        "Grace periods for council tax were extended to age 25.",
    ],
)
def test_ordinary_case_study_sentences_are_not_flagged(text: str) -> None:
    assert check_text("body", text) == []


def test_every_text_field_is_checked() -> None:
    findings = check(
        {
            "title": "Support for Jamie, 12, and family",
            "summary": "A plain summary about a service.",
            "outcomes": ["Contact the family on 0113 496 0000"],
            "body": "",
        }
    )
    assert {(f.field, f.kind) for f in findings} == {
        ("title", "name_and_age"),
        ("outcomes", "phone_number"),
    }


def test_the_bundled_collection_raises_no_flags() -> None:
    studies, _ = read_collection(ROOT / "data" / "case_studies")
    flagged = [(s.slug, f.passage) for s in studies for f in check(s.model_dump())]
    assert flagged == []


# Cyrillic "М", "і", "а", "о", "һ" and Greek "Υ" look like the Latin letters they stand in for.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("\u041c\u0456\u0430 (14) was referred by her school.", "name_and_age"),
        ("M\u0456\u0430, \u0430ged 9, joined the youth club.", "name_and_age"),
        ("C\u04bbloe was b\u043ern on 12 March 2015.", "date_of_birth"),
        ("Leo is in \u03a5ear 9 at St Mary's Academy.", "name_school_year"),
        ("M\u0334\u0321\u031bi\u0338\u0322a\u0337, aged 9, joined.", "name_and_age"),
        ("\U0001d40c\U0001d422\U0001d41a, aged 9, joined.", "name_and_age"),
        ("Zo\u00eb, 15, had been missing three times that month.", "name_and_age"),
        ("Call mum on \u0660\u0667\u0667\u0660\u0660 \u0669\u0660\u0660123.", "phone_number"),
    ],
)
def test_lookalike_letters_and_stacked_marks_are_read_as_the_words_they_show(
    text: str, kind: str
) -> None:
    """Written in other alphabets' look-alikes, or under stacked marks, a child's name and age
    went unflagged; the check reads the text's skeleton, and quotes the passage as written."""
    findings = check_text("body", text)
    assert [f.kind for f in findings] == [kind]
    assert findings[0].passage == text


@pytest.mark.parametrize(
    "text",
    [
        "Gwasanaethau Plant Ynys Môn: teuluoedd yn Gŵyr a Dyffryn Clwyd, 2019.",
        "Siân Jones, Pennaeth y Gwasanaeth, said the hub in Llŷn had worked.",
        "Chloé Martin and Zoë Kowalczyk led the evaluation for the council.",
        "Ukrainian families (українські родини) were supported by the team.",
        "Tiếng Việt and ภาษาไทย leaflets were printed for parents.",
    ],
)
def test_welsh_accents_and_other_alphabets_are_not_flagged(text: str) -> None:
    assert check_text("body", text) == []


@pytest.mark.parametrize("marker", ["- ", "* ", "+ ", "  - ", "\u2022 ", "2. ", "3) "])
def test_a_list_items_passage_is_its_words_without_the_marker(marker: str) -> None:
    """As the item will be published: "- Amy, 7, …" quoted with its bullet read as a dash, and
    a mark put before the bullet made the item no item on the moderators' page."""
    text = f"## Questions\n\n- who helps nans?\n{marker}my Amy, 7, lives with her nan.\n"
    (finding,) = check_text("body", text)
    assert finding.passage == "my Amy, 7, lives with her nan."
    ((start, end, _),) = flagged(text)
    assert text[start:end] == "my Amy, 7, lives with her nan."


def test_a_dash_inside_a_line_stays_in_its_sentence() -> None:
    text = "Then the hub - Amy, 7, said - was her nan's lifeline."
    assert [f.passage for f in check_text("body", text)] == [text]
