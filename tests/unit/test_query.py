"""The query builder: expansions, boosts, and never failing on what people type."""

from collections.abc import Iterator

import pytest
from whoosh.query import AndMaybe, Query, Wildcard

from app.search.query import QueryBuilder, plain_words
from app.search.schema import build_schema
from app.search.thesaurus import parse_thesaurus

THESAURUS = parse_thesaurus(
    {
        "synonyms": [["CAMHS", "child and adolescent mental health services"]],
        "age_words": {"0-5": ["toddlers", "under fives"]},
    }
)
BUILDER = QueryBuilder(build_schema(), THESAURUS)


def terms(text: str) -> set[tuple[str, str]]:
    query = BUILDER.build(text)
    assert query is not None
    return {(f, t.decode() if isinstance(t, bytes) else t) for f, t in query.iter_all_terms()}


def test_an_acronym_also_searches_its_spelled_out_form() -> None:
    found = terms("CAMHS waits")
    assert ("body", "camh") in found and ("body", "adolesc") in found and ("body", "wait") in found


def test_a_spelled_out_phrase_also_searches_its_acronym() -> None:
    assert ("title", "camh") in terms("child and adolescent mental health services")


def test_quoted_text_is_not_expanded() -> None:
    assert ("body", "adolesc") not in terms('"CAMHS"')


def test_age_words_add_an_optional_age_band_lift() -> None:
    query = BUILDER.build("toddlers speech")
    assert isinstance(query, AndMaybe)
    lift = {(f, t.decode() if isinstance(t, bytes) else t) for f, t in query.b.iter_all_terms()}
    assert lift == {("age_band", "0-5")}
    assert not isinstance(BUILDER.build("speech"), AndMaybe)


def test_plain_words_spots_search_syntax() -> None:
    assert plain_words("early help hubs") == ["early", "help", "hubs"]
    for text in ('"early help"', "early AND help", "early*", "(early)", "NOT help"):
        assert plain_words(text) is None


def test_blank_text_matches_everything() -> None:
    assert BUILDER.build("  \x00 \u200b ") is None


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "((((",
        "AND OR NOT",
        "title:secret",
        "*",
        "?",
        "a*",
        "[a TO z]",
        "^2",
        "~",
        "\\",
        "CAMHS OR",
        '"CAMHS',
        "NOT CAMHS",
        "(CAMHS AND toddlers) OR under fives",
        "x" * 5000,
        "ü🙂 \ud800",
        "CAMHS " * 300,
    ],
)
def test_never_raises_on_odd_input(text: str) -> None:
    BUILDER.build(text)  # the test is that this returns


def test_a_question_mark_ending_a_word_is_not_a_wildcard() -> None:
    """A question typed as a question searches for its words; ? inside a word still matches one
    letter."""
    builder = QueryBuilder(build_schema())
    question = builder.build("how do councils cut caseloads?")
    assert question is not None
    assert not any(isinstance(node, Wildcard) for node in _walk(question))
    assert "caseload" in {t for _, t in question.iter_all_terms()}
    inner = builder.build("organi?ation")
    assert inner is not None and any(isinstance(node, Wildcard) for node in _walk(inner))


def _walk(query: Query) -> Iterator[Query]:
    yield query
    for child in query.children():
        yield from _walk(child)
