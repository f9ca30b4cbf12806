"""Snippets a practitioner can read: whole words, whole sentences where they fit, never a
heading run into the text after it, never a sentence that restates the summary beside it."""

import copy
import itertools
from html import unescape
from pathlib import Path

import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import ID

from app.config import ROOT
from app.core.collection import read_collection
from app.core.markdown import _MARKDOWN, markdown_passages
from app.core.vocabulary import get_vocabulary
from app.search import passages
from app.search.analysis import stem
from app.search.generations import readable
from app.search.highlight import (
    LIMIT,
    _hits,
    _matches,
    _split,
    _stems,
    passage,
    sentences,
    snippet,
)
from app.search.index import SearchIndex
from app.search.schema import to_document
from bench.corpus import case_studies
from testkit.factories import make_case_study

BODY = """## The challenge

Lancashire had too few foster carers for teenagers. Many were placed far from home.

## The impact

The evaluation found that placements lasted longer. Foster carers stayed with the service.
"""


def terms(*words: str) -> frozenset[str]:
    return frozenset(found for word in words if (found := stem(word)))


def test_headings_are_not_passages() -> None:
    assert markdown_passages(BODY) == (
        "Lancashire had too few foster carers for teenagers. Many were placed far from home.",
        "The evaluation found that placements lasted longer. Foster carers stayed with the "
        "service.",
    )


def test_the_snippet_is_the_sentence_holding_most_matched_words() -> None:
    found = passage(markdown_passages(BODY), terms("evaluation", "placements"))
    assert found == "The <mark>evaluation</mark> found that <mark>placements</mark> lasted longer."


def test_a_heading_never_runs_into_the_snippet() -> None:
    found = passage(markdown_passages(BODY), terms("impact", "evaluation"))
    assert found is not None and "impact" not in found.lower()


def test_a_long_sentence_is_cut_between_words_around_its_match() -> None:
    words = " ".join(f"word{n}" for n in range(80))
    text = f"{words} safeguarding {words}."
    found = passage([text], terms("safeguarding"))
    assert found is not None
    assert found.startswith("…word") and found.endswith("…")
    inner = found.strip("…").replace("<mark>", "").replace("</mark>", "")
    assert all(word in text.split() or word == "safeguarding" for word in inner.split())
    assert len(inner) <= LIMIT and "<mark>safeguarding</mark>" in found


def test_a_match_near_the_start_keeps_the_sentence_start() -> None:
    text = "Fostering teams " + "met families in their homes and " * 10 + "then left."
    found = passage([text], terms("fostering"))
    assert found is not None and found.startswith("<mark>Fostering</mark> teams met")


def test_a_sentence_that_restates_the_summary_is_passed_over() -> None:
    summary = "Lancashire had too few foster carers for teenagers."
    body = [summary + " Kinship carers helped too.", "Foster carers for teenagers were trained."]
    assert passage(body, terms("kinship"), besides=summary) == (
        "<mark>Kinship</mark> carers helped too."
    )
    # The summary already shows every matched word: no snippet repeats them.
    assert passage(body, terms("foster", "teenagers"), besides=summary) is None


def test_a_restating_sentence_is_shown_when_only_it_holds_an_unseen_match() -> None:
    """A question the case study helps answer often repeats the summary's words; when it alone
    holds the word that matched, it is why the result was found, so it is the snippet."""
    summary = "Lancashire had too few foster carers for teenagers."
    body = ["Foster carers for teenagers were trained.", "too few foster carers for truants?"]
    assert passage(body, terms("truants"), besides=summary) == (
        "too few foster carers for <mark>truants</mark>?"
    )


def test_a_summary_without_matches_leaves_every_sentence_open() -> None:
    found = passage(["Foster carers were trained."], terms("foster"), besides="Nothing here.")
    assert found == "<mark>Foster</mark> carers were trained."


def test_snippets_escape_everything_but_mark() -> None:
    found = passage(["Costs < £5 & <b>foster</b> homes."], terms("foster"))
    assert found == "Costs &lt; £5 &amp; &lt;b&gt;<mark>foster</mark>&lt;/b&gt; homes."
    assert snippet("A & B fostering", terms("fostering"), whole=True) == (
        "A &amp; B <mark>fostering</mark>"
    )


def test_numbers_do_not_end_a_sentence() -> None:
    found = passage(["It cost £1.5 million to set up fostering hubs. Then more."], terms("hubs"))
    assert found == "It cost £1.5 million to set up fostering <mark>hubs</mark>."


def phrase(*words: str) -> str:
    return " ".join(found for word in words if (found := stem(word)))


def test_a_phrase_is_marked_whole_and_only_where_its_words_stand_together() -> None:
    matched = frozenset({phrase("staying", "put"), phrase("care", "leavers"), stem("keep") or ""})
    text = "Staying Put lets care leavers stay. As the title puts it, leaving residential care."
    assert snippet(text, matched, whole=True) == (
        "<mark>Staying Put</mark> lets <mark>care leavers</mark> stay. As the title puts it, "
        "leaving residential care."
    )
    # The matched word's own forms are marked; a phrase's words alone are not.
    assert snippet("It keeps them in touch.", matched, whole=True) == (
        "It <mark>keeps</mark> them in touch."
    )
    assert snippet("Care for them; they leave.", matched, whole=True) is None


_VOCABULARY = ["foster", "care", "carers", "leavers", "young", "people", "the", "of", "and"]
_TEXTS = st.lists(st.sampled_from(_VOCABULARY), max_size=30).map(" ".join)
_PHRASES = st.lists(
    st.lists(st.sampled_from(_VOCABULARY), min_size=1, max_size=3), min_size=1, max_size=5
)


def _matched(chosen: list[list[str]]) -> frozenset[str]:
    """The matched terms a search would give for these phrases: each as its words' stems."""
    return frozenset(" ".join(s for w in words if (s := stem(w))) for words in chosen) - {""}


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, chosen=_PHRASES)
def test_marks_stand_where_a_plain_scan_of_every_place_finds_them(
    text: str, chosen: list[list[str]]
) -> None:
    """Phrases sharing a first word, a word that is also a phrase's start, phrases at the end:
    the marks are where a scan of every place of the text for every term puts them."""
    matched = _matched(chosen)
    stems = [stem(w) for w in text.split()]
    starts = [sum(len(w) + 1 for w in text.split()[:i]) for i in range(len(stems))]
    expected = []
    for term in matched:
        wanted = term.split()
        indexed = [i for i, s in enumerate(stems) if s is not None]
        for n in range(len(indexed) - len(wanted) + 1):
            run = indexed[n : n + len(wanted)]
            if [stems[i] for i in run] == wanted:
                end = starts[run[-1]] + len(text.split()[run[-1]])
                expected.append((starts[run[0]], end, term))
    expected.sort(key=lambda hit: (hit[0], -hit[1]))
    assert _hits(text, matched) == expected


def test_a_phrase_the_summary_shows_is_no_reason_for_a_snippet() -> None:
    matched = frozenset({phrase("care", "leavers")})
    summary = "Support for care leavers."
    body = ["Care was given to leavers of school.", "Every care leaver had a mentor."]
    assert passage(body, matched, besides="Nothing here.") == (
        "Every <mark>care leaver</mark> had a mentor."
    )
    assert passage(body, matched, besides=summary) is None


def test_an_index_written_with_other_fields_is_rebuilt(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.rebuild([to_document(make_case_study(), get_vocabulary(), "hash")], change_id=1)
    folder = index.generation()
    schema = index.schema  # with the fields this configuration writes (vectors, say)
    index.close()
    assert readable(folder, schema)
    older = copy.deepcopy(schema)
    older.add("retired_field", ID())
    assert not readable(folder, older)


def _passages_rendered(markdown: str) -> tuple[str, ...]:
    """The passages as they were found before: each passage rendered again on its own and
    every tag cleaned away (the reference the faster path must agree with)."""
    passages: list[str] = []
    in_heading = False
    for token in _MARKDOWN.parse(markdown):
        if token.type in ("heading_open", "heading_close"):
            in_heading = token.type == "heading_open"
        elif token.type == "inline" and not in_heading:
            text = unescape(nh3.clean(_MARKDOWN.renderInline(token.content), tags=set()))
            if text.strip():
                passages.append(" ".join(text.split()))
    return tuple(passages)


MARKDOWN_CASES = [
    BODY,
    "Hi &amp; AT&T &copy; &amp;amp; \\* `co<de> &amp;` 5 < 6 > 4 \"quoted\" 'single'",
    "An ![chart of placements](chart.png) and a [link](https://example.org 'title') here.",
    "**Bold** and *em* and __strong__ and _em_.\nA soft break  \nand a hard one\\\nand another.",
    "- item one\n- item **two**\n\n1. first\n2. second\n\n> quoted *text*\n",
    "| area | result |\n|---|---|\n| Kent &amp; Medway | `32%` |\n",
    "See [the report][r] and <https://example.org> and <b>raw html</b>.\n\n[r]: https://x.org",
    "    indented code\n\n```\nfenced <code>\n```\n\nText after.",
    "Setext heading\n==============\n\nParagraph under it.\n\n***\n\nAfter a rule.",
    "Tabs\tand\u00a0spaces, an emoji 🙂, a NUL \x00 and a form feed \x0c here.",
]


def test_passages_agree_with_rendering_each_passage() -> None:
    bodies = [s.body for s in read_collection(ROOT / "data" / "case_studies")[0]]
    bodies += [s.body for s in itertools.islice(case_studies(300), 300)]
    bodies += MARKDOWN_CASES
    for body in bodies:
        assert markdown_passages.__wrapped__(body) == _passages_rendered(body), body


def test_the_index_keeps_a_body_s_passages_only_for_that_body(tmp_path: Path) -> None:
    index = SearchIndex(tmp_path / "index")
    vocabulary = get_vocabulary()
    bodies = [BODY, *MARKDOWN_CASES, *(s.body for s in itertools.islice(case_studies(20), 20))]
    studies = [make_case_study(slug=f"study-{n}", body=body) for n, body in enumerate(bodies)]
    try:
        index.rebuild([to_document(s, vocabulary, "hash") for s in studies], change_id=1)
        asked = {s.slug: s.body for s in studies}
        kept = index.passages(asked)
        assert kept == {s.slug: sentences(markdown_passages.__wrapped__(s.body)) for s in studies}
        # The store's body has moved on (the index lags it): nothing kept is used for it.
        edited = {slug: body + "\n\nA new paragraph." for slug, body in asked.items()}
        assert index.passages(edited) == {}
        assert index.passages({"not-indexed": BODY}) == {}
        # Once the edit is indexed, its passages are kept for the new body.
        changed = make_case_study(slug="study-0", body=edited["study-0"])
        index.apply([to_document(changed, vocabulary, "hash")], [], change_id=2)
        assert index.passages({"study-0": edited["study-0"]}) == {
            "study-0": sentences(markdown_passages.__wrapped__(edited["study-0"]))
        }
        index.apply([], ["study-1"], change_id=3)  # withdrawn: its passages are not offered
        assert index.passages({"study-1": asked["study-1"]}) == {}
    finally:
        index.close()


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS, chosen=_PHRASES)
def test_choosing_a_sentence_counts_what_marking_it_finds(
    text: str, chosen: list[list[str]]
) -> None:
    """A sentence is chosen by its stems alone (no places): the terms and the number of hits
    counted must be those the marks of that sentence show."""
    matched = _matched(chosen)
    hits = _hits(text, matched)
    words, phrases = _split(matched)
    assert _matches(_stems(text), words, phrases) == ({term for *_, term in hits}, len(hits))


def test_kept_sentences_give_the_snippet_the_passages_give() -> None:
    """A card made from the sentences and stems the index kept marks the same sentence as one
    made from the body parsed afresh, for the words of its own sentences, alone, in pairs and
    as phrases, beside its summary and without one."""
    studies = read_collection(ROOT / "data" / "case_studies")[0][:40]
    studies += list(itertools.islice(case_studies(40), 40))
    for study in studies:
        kept = passages.unpack(passages.pack(study.body), study.body)
        assert kept is not None
        parsed = markdown_passages.__wrapped__(study.body)
        words = [w for _, held in kept[:12] for w in held[:3]]
        asked = [frozenset({w}) for w in words] + [
            frozenset({a, b}) for a, b in itertools.pairwise(words)
        ]
        asked += [frozenset({" ".join(held[:2])}) for _, held in kept[:12] if len(held) > 1]
        for terms_ in asked:
            for besides in (study.summary, ""):
                made = passage(study.outcomes, terms_, besides=besides, kept=kept)
                assert made == passage((*parsed, *study.outcomes), terms_, besides=besides)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_a_body_s_kept_sentences_are_its_sentences_and_stems(body: str) -> None:
    """Whatever the body holds (tabs, newlines, other spaces, letters of any script), what is
    kept reads back as the sentences and stems worked out from its passages."""
    from app.core.markdown import passages_of

    assert passages.unpack(passages.pack(body), body) == sentences(passages_of(body))


def test_sentences_kept_by_other_rules_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    packed = passages.pack(BODY)
    assert passages.unpack(packed, BODY) == sentences(markdown_passages.__wrapped__(BODY))
    monkeypatch.setattr(passages, "KEY", b"another analyser")
    assert passages.unpack(packed, BODY) is None
    assert passages.unpack(packed[:32] + packed[40:], BODY) is None  # damaged
