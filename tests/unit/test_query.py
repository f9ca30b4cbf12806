"""The query builder: expansions, boosts, and never failing on what people type."""

from collections.abc import Iterator

import pytest
from whoosh.query import AndMaybe, Or, Query

from app.search.nodes import Across, Pattern
from app.search.query import (
    MAX_CLAUSES,
    MAX_DEPTH,
    MAX_QUERY_WORDS,
    MAX_WILDCARDS,
    MAX_WORD_CHARS,
    WILDCARD_WORDS,
    QueryBuilder,
    Tuning,
    clean,
    plain_words,
    shallow,
)
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
    assert not any(isinstance(node, Pattern) for node in _walk(question))
    assert "caseload" in {t for _, t in question.iter_all_terms()}
    inner = builder.build("organi?ation")
    assert inner is not None and any(isinstance(node, Pattern) for node in _walk(inner))


def _walk(query: Query) -> Iterator[Query]:
    yield query
    if not isinstance(query, Across | Pattern):
        for child in query.children():
            yield from _walk(child)


EVERYDAY = parse_thesaurus(
    {
        "synonyms": [["kinship care", "family and friends care"]],
        "everyday": {"grandparents": ["kinship care"], "kids": ["children"]},
        "filler": ["how", "do", "other", "councils"],
    }
)
EVERYDAY_BUILDER = QueryBuilder(build_schema(), EVERYDAY)


def _stems(query: Query | None) -> set[tuple[str, ...]]:
    assert query is not None
    return {node.words for node in _walk(query) if isinstance(node, Across)}


def test_everyday_words_expand_one_way_with_the_targets_synonyms() -> None:
    found = _stems(EVERYDAY_BUILDER.build("grandparents"))
    assert {("grandpar",), ("kinship", "care"), ("famili", "friend", "care")} <= found
    assert ("grandpar",) not in _stems(EVERYDAY_BUILDER.build("kinship care"))
    assert ("kid",) not in _stems(EVERYDAY_BUILDER.build("children"))


def test_filler_words_are_dropped_unless_nothing_else_was_typed() -> None:
    assert _stems(EVERYDAY_BUILDER.build("how do other councils use kinship care")) == {
        ("us",),
        ("kinship", "care"),
        ("famili", "friend", "care"),
        ("how", "do", "other", "council", "us", "kinship", "care"),  # the phrase of all
    }
    assert ("how",) in _stems(EVERYDAY_BUILDER.build("how"))
    # With search syntax, every word typed was chosen: none is dropped.
    assert ("how",) in _stems(EVERYDAY_BUILDER.build('how "kinship care"'))


def test_a_long_query_needs_a_share_of_its_words() -> None:
    query = BUILDER.build("edge of care support teenagers rural county families placements")
    clauses = next(node for node in _walk(query) if isinstance(node, Or) and node.minmatch)
    assert len(clauses.subqueries) == 8 and clauses.minmatch == 2  # 30%, rounded down
    assert not any(isinstance(n, Or) and n.minmatch for n in _walk(BUILDER.build("a OR b c")))


def test_a_hostile_query_is_cut_to_a_bounded_cost() -> None:
    """240 two-letter prefixes (#15): short prefixes lose their wildcard, and only the first
    MAX_CLAUSES words count; longer wildcards share WILDCARD_WORDS between them."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    prefixes = " ".join(f"{a}{b}*" for a in letters for b in letters[:10])[:1000]
    query = BUILDER.build(prefixes)
    assert query is not None
    assert not any(isinstance(node, Pattern) for node in _walk(query))
    typed = [n for n in _walk(query) if isinstance(n, Across) and n.origin == "typed"]
    assert len(typed) == MAX_CLAUSES
    wild = BUILDER.build(" ".join(f"{a}{b}c*" for a in letters for b in letters[:10]))
    patterns = [node for node in _walk(wild) if isinstance(node, Pattern)]
    assert len(patterns) == MAX_WILDCARDS  # the rest search their letters as typed
    assert sum(p.limit for p in patterns) <= WILDCARD_WORDS


def test_a_query_is_read_only_as_far_as_it_can_count() -> None:
    """Words too long to be words are dropped, and only the first MAX_QUERY_WORDS are read;
    brackets deeper than MAX_DEPTH are dropped with their closing ones (#15)."""
    long_word = "x" * (MAX_WORD_CHARS + 1)
    assert clean(f"foster {long_word} carers {'y' * MAX_WORD_CHARS}") == (
        f"foster carers {'y' * MAX_WORD_CHARS}"
    )
    many = " ".join(f"w{n}" for n in range(3 * MAX_QUERY_WORDS))
    assert clean(many).split() == many.split()[:MAX_QUERY_WORDS]
    assert shallow("(" * 50 + "foster" + ")" * 50) == "(" * MAX_DEPTH + "foster" + ")" * MAX_DEPTH
    assert shallow("(a (b)) (c)") == "(a (b)) (c)"
    assert BUILDER.build("(" * 400 + "foster carers" + ")" * 400) is not None


def _alternatives(query: Query | None) -> dict[tuple[str, ...], float]:
    """Each thesaurus alternative's words with its weight."""
    assert query is not None
    return {
        node.words: node.boost
        for node in _walk(query)
        if isinstance(node, Across) and node.origin in ("synonym", "everyday")
    }


def test_an_alternative_is_weighted_no_more_than_the_words_typed() -> None:
    """A long synonym is weighted down to the length of what was typed; a short one for a long
    everyday phrase is not weighted up: it stands for one idea of the query."""
    known = Tuning().entry_weight
    camhs = _alternatives(BUILDER.build("CAMHS"))
    assert camhs[("child", "adolesc", "mental", "health", "servic")] == pytest.approx(
        0.7 / 5 * known
    )
    thesaurus = parse_thesaurus({"everyday": {"thrown out of home": ["homeless"]}})
    builder = QueryBuilder(build_schema(), thesaurus)
    assert _alternatives(builder.build("thrown out of home")) == {("homeless",): known}


def test_what_the_thesaurus_knows_counts_more_than_a_plain_word() -> None:
    """ "CAMHS" is the sector's idea, "waiting" a word around it: the entry typed and its
    alternatives are weighed entry_weight times a plain word (docs/relevance.md)."""
    query = BUILDER.build("CAMHS waiting")
    typed = {
        n.words: n.boost for n in _walk(query) if isinstance(n, Across) and n.origin == "typed"
    }
    assert Tuning().entry_weight > 1
    assert typed == {("camh",): Tuning().entry_weight, ("wait",): 1.0}
    plain = QueryBuilder(build_schema(), THESAURUS, Tuning(entry_weight=1.0))
    assert _alternatives(plain.build("CAMHS"))[
        ("child", "adolesc", "mental", "health", "servic")
    ] == pytest.approx(0.7 / 5)


def test_an_alternative_that_is_what_was_typed_is_not_searched_again() -> None:
    thesaurus = parse_thesaurus({"synonyms": [["care leavers", "care leaver", "leaving care"]]})
    builder = QueryBuilder(build_schema(), thesaurus)
    assert set(_alternatives(builder.build("care leaver housing"))) == {("leav", "care")}


def test_english_function_words_are_filler_in_the_bundled_thesaurus() -> None:
    builder = QueryBuilder(build_schema())
    found = _stems(builder.build("referrals into social care through early help, but can't"))
    assert not {("into",), ("through",), ("but",), ("can't",)} & found
    assert {("referr",), ("social",), ("care",), ("earli", "help")} <= found


def test_the_sector_words_for_everyday_ones_are_ranked_by_meaning_too() -> None:
    text = "grandparents raising"
    assert EVERYDAY_BUILDER.meaning(text, EVERYDAY_BUILDER.build(text)) == (
        "grandparents raising kinship care family and friends care"
    )
    # the sector's own words already say what they mean: synonyms are not added
    assert EVERYDAY_BUILDER.meaning("kinship care", EVERYDAY_BUILDER.build("kinship care")) == (
        "kinship care"
    )


def test_in_a_long_sentence_the_sector_words_are_embedded_twice() -> None:
    """When the typed words outnumber the sector's three to one, the sector's count twice."""
    text = "my three kids have lived with me since their mum went into hospital"
    twice = f"{text} children children"
    assert EVERYDAY_BUILDER.meaning(text, EVERYDAY_BUILDER.build(text)) == twice
    assert EVERYDAY_BUILDER.meaning("kids", EVERYDAY_BUILDER.build("kids")) == "kids children"
