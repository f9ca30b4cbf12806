"""An alert email's subject says in plain words what its first line says: how many new case
studies, for which search, where; short enough for a phone's inbox."""

from app.core.vocabulary import get_vocabulary
from app.services.alert_words import SUBJECT_CHARS, subject
from app.services.filters import SearchRequest


def test_the_subject_says_what_is_new_for_which_search_and_where() -> None:
    search = SearchRequest(q="kinship care", filters={"region": ["north-west"]})
    assert subject(2, search, get_vocabulary()) == (
        "2 new case studies for “kinship care” in the North West"
    )


def test_a_search_with_no_words_or_tags_says_only_where() -> None:
    vocabulary = get_vocabulary()
    assert subject(1, SearchRequest(filters={"region": ["london"]}), vocabulary) == (
        "1 new case study in London"
    )
    assert subject(1_204, SearchRequest(), vocabulary) == "1,204 new case studies"


def test_a_long_search_is_cut_between_words() -> None:
    words = "support for grandparents raising grandchildren after a parent has died " * 3
    found = subject(3, SearchRequest(q=words.strip()), get_vocabulary())
    assert len(found) <= SUBJECT_CHARS and found.endswith("…")
    assert found.startswith("3 new case studies for “support for grandparents raising")
    assert found[:-1].split()[-1] in words.split()  # a whole word before the ellipsis
