"""The thesaurus file: its shape, the entries the sector needs, and how lookups behave."""

import pytest

from app.core.vocabulary import get_vocabulary
from app.search.thesaurus import load_thesaurus, normal, parse_thesaurus

BUNDLED = load_thesaurus()


@pytest.mark.parametrize(
    ("phrase", "means"),
    [
        ("SEND", "special educational needs and disabilities"),
        ("EHCP", "education health and care plan"),
        ("CAMHS", "child and adolescent mental health services"),
        ("LAC", "looked after children"),
        ("CLA", "children looked after"),
        ("CiN", "children in need"),
        ("CP", "child protection"),
        ("CSE", "child sexual exploitation"),
        ("CCE", "child criminal exploitation"),
        ("MASH", "multi agency safeguarding hub"),
        ("UASC", "unaccompanied asylum seeking children"),
        ("NEET", "not in education employment or training"),
        ("SGO", "special guardianship order"),
        ("YOT", "youth offending team"),
        ("IRO", "independent reviewing officer"),
        ("FGC", "family group conference"),
        ("PRU", "pupil referral unit"),
        ("looked after", "children in care"),
        ("teenagers", "adolescents"),
        ("teenagers", "young people"),
        ("adolescents", "young people"),
        ("early intervention", "early help"),
    ],
)
def test_the_sectors_acronyms_and_phrases_work_both_ways(phrase: str, means: str) -> None:
    assert normal(means) in BUNDLED.synonyms(phrase)
    assert normal(phrase) in BUNDLED.synonyms(means)


def test_lookups_ignore_case_and_punctuation() -> None:
    assert BUNDLED.synonyms("Looked-After Children") == BUNDLED.synonyms("looked after children")
    assert BUNDLED.synonyms("camhs") == BUNDLED.synonyms("CAMHS")
    assert "camhs" not in BUNDLED.synonyms("CAMHS")  # never itself
    assert BUNDLED.synonyms("casework") == []


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("toddlers", ["0-5"]),
        ("support for under fives", ["0-5"]),
        ("Under-5s speech", ["0-5"]),
        ("primary age reading", ["5-11"]),
        ("teenagers", ["11-16"]),
        ("care leavers housing", ["16-25"]),
        ("toddlers and teenagers", ["0-5", "11-16"]),
        ("social work academy", []),
    ],
)
def test_age_words_point_to_age_bands(text: str, bands: list[str]) -> None:
    assert BUNDLED.age_bands(text) == bands


def test_every_age_band_in_the_file_exists() -> None:
    known = set(get_vocabulary().slugs("age_bands"))
    assert set(BUNDLED.age_words) <= known


def test_no_synonym_reduces_to_a_single_stop_word_free_common_word() -> None:
    # "in care" would search for "care" alone once "in" is dropped: every phrase of two or more
    # words must keep at least two words after stop words.
    from app.search.analysis import make_analyzer

    analyzer = make_analyzer()
    for group in BUNDLED.groups:
        for phrase in group:
            if len(phrase.split()) > 1:
                assert len([t.text for t in analyzer(phrase)]) > 1, phrase


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"synonyms": [["only-one"]]},
        {"synonyms": [["a", 3]]},
        {"synonyms": "SEND, EHCP"},
        {"age_words": {"0-5": "toddlers"}},
        {"synonyms": [["SEND", "!!!"]]},
        {"everyday": {"kids": "children"}},
        {"everyday": {"kids": []}},
        {"everyday": ["kids", "children"]},
        {"filler": "how what"},
        {"filler": ["how", 3]},
    ],
)
def test_a_malformed_file_is_refused_with_a_reason(data: object) -> None:
    with pytest.raises(ValueError, match=r"synonyms|age_words|mapping|everyday|filler"):
        parse_thesaurus(data)


@pytest.mark.parametrize(
    ("everyday", "sector"),
    [
        ("kids", "children"),
        ("foster parents", "foster carers"),
        ("grandparents", "kinship care"),
        ("grandparents", "special guardianship"),
        ("grandparents raising grandchildren", "kinship care"),
        ("connected carers", "kinship care"),
        ("family and friends care", "kinship care"),
        ("kicked out of school", "exclusion"),
        ("running away", "missing from care"),
        ("kids in care", "looked after children"),
        ("mums", "mothers"),
        ("special needs", "special educational needs and disabilities"),
    ],
)
def test_everyday_words_lead_to_the_sectors(everyday: str, sector: str) -> None:
    assert normal(sector) in BUNDLED.meanings(everyday) + BUNDLED.synonyms(everyday)


def test_everyday_words_lead_one_way_only() -> None:
    assert "kids" not in BUNDLED.meanings("children") + BUNDLED.synonyms("children")
    assert "grandparents" not in BUNDLED.meanings("kinship care")
    assert BUNDLED.meanings("grandads") == BUNDLED.meanings("grandad") != []  # by stem too


def test_everyday_words_are_found_with_a_possessive() -> None:
    # The stemmer keeps "wife's" as "wife'", so a parent's "my wife's depression" or "my nan's"
    # missed the entries for "wife" and "nan".
    assert BUNDLED.meanings("wife's") == BUNDLED.meanings("wife") != []
    assert BUNDLED.meanings("nan's") == BUNDLED.meanings("nan") != []
    assert BUNDLED.meanings("children's") == []  # the sector's own word is no everyday one


def test_the_sectors_participles_are_found_only_as_typed() -> None:
    assert "children in care" in BUNDLED.synonyms("children looked after")
    assert BUNDLED.synonyms("looking after") == BUNDLED.synonyms("look after") == []
    assert BUNDLED.synonyms("connecting persons") == []
    assert "foster carers" in BUNDLED.synonyms("foster parent")  # other forms by stem, still


def test_every_everyday_target_is_in_the_collection() -> None:
    """Each sector word an everyday word leads to is used by some bundled case study: a target
    no case study holds would find nothing."""
    from app.config import ROOT
    from app.core.collection import read_collection
    from app.search.expansions import stems

    files, _ = read_collection(ROOT / "data" / "case_studies")
    texts = [
        " " + " ".join(stems(normal(" ".join([f.title, f.summary, f.body, *f.outcomes])))) + " "
        for f in files
    ]
    missing = [
        (word, target)
        for word, targets in BUNDLED.everyday.items()
        for target in targets
        if not any(f" {' '.join(stems(target))} " in text for text in texts)
    ]
    assert missing == []


def test_filler_words_are_question_words_not_the_sectors() -> None:
    assert BUNDLED.is_filler("how") and BUNDLED.is_filler("Councils")
    for meaningful in ("help", "support", "work", "care", "council", "families"):
        assert not BUNDLED.is_filler(meaningful)
    # A number, in figures or words, and how long or how often, say nothing of the topic.
    for number in ("18", "2019", "six", "weeks", "always"):
        assert BUNDLED.is_filler(number)
    assert not BUNDLED.is_filler("5s")  # "under 5s" is an age word


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("found cash in my 15 year old's bedroom", ["11-16"]),
        ("no nursery place for my 3-year-old", ["0-5"]),
        ("I'm 16 and left school", ["11-16", "16-25"]),
        ("aged 8 and not talking", ["5-11"]),
        ("I'm 43 and retraining", []),  # no band holds it
        ("16 councils in 2019", []),  # a number alone is not an age
    ],
)
def test_ages_in_years_lift_their_bands(text: str, bands: list[str]) -> None:
    assert BUNDLED.age_bands(text) == bands
    assert BUNDLED.age_bands(text, numbers=False) == []
