"""Turn what a person typed into a query. Never raises: odd input degrades to plain words.

On top of Whoosh's parser (expansions.py has the plugins): the sector's synonyms and acronyms,
and everyday words one way toward the sector's, expand in place; filler and question words do
not count on their own; each word is searched across the text fields as one (BM25F); a long
query asks for most of its words (a minimum-should-match), and none on its commonest alone; a
phrase match of all the words typed ranks above the same words scattered; age words lift case
studies for those ages.

The cost of a query is bounded whatever is typed: at most MAX_CLAUSES words or phrases count,
a wildcard needs MIN_PREFIX letters before it, and the ranker expands each wildcard to at most
a few words (ranking.MAX_EXPANSIONS).
"""

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from whoosh import qparser
from whoosh.fields import TEXT, Schema
from whoosh.query import (
    And,
    AndMaybe,
    AndNot,
    ConstantScoreQuery,
    DisjunctionMax,
    Not,
    NullQuery,
    Or,
    Phrase,
    Prefix,
    Query,
    Term,
    Wildcard,
)

from app.core.words import DOUBLE_QUOTES, words
from app.search.analysis import make_analyzer, stem
from app.search.expansions import FillerPlugin, ThesaurusPlugin
from app.search.nodes import Across, Either, Origin, Pattern
from app.search.schema import TEXT_FIELDS
from app.search.thesaurus import Thesaurus, get_thesaurus

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_WORD_CHARS",
    "Query",
    "QueryBuilder",
    "Tuning",
    "clean",
    "plain_words",
]

MAX_QUERY_CHARS = 1000
# No word runs longer; a longer "word" matches nothing, so is dropped, not stemmed, spell-checked
# and cached (issue #15: made-up words of 1,000 letters grew every cache, seconds to check each).
MAX_WORD_CHARS = 40
MAX_CLAUSES = 32  # words or phrases of one query that count; the rest are ignored
# Words of a query read at all (each costs); past twice MAX_CLAUSES no more can count.
MAX_QUERY_WORDS = 2 * MAX_CLAUSES
MAX_WILDCARDS = 8  # wildcards of one query expanded; later ones search the letters as typed
WILDCARD_WORDS = 64  # words all the wildcards of one query stand for at most, between them
MAX_DEPTH = 8  # brackets inside brackets: Whoosh's parser takes time by the square of the depth
MIN_PREFIX = 3  # letters before a wildcard: "ba*" would expand to much of the lexicon
PHRASE_BOOST = 3.0  # on top of the words' own scores
AGE_BOOST = 3.0  # a constant lift for case studies in the age bands that age words point to
PLACE_BOOST = 3.0  # and in the regions that place words ("Welsh", "London") point to


@dataclass(frozen=True)
class Tuning:
    """The means of docs/relevance.md, each of which can be switched off to measure it."""

    synonym_boost: float = 0.7  # the words a person typed count more than their synonyms
    everyday_boost: float = 1.0  # the sector's words for an everyday one count as much
    entry_weight: float = 1.25  # a word or phrase the thesaurus knows, against a plain word
    everyday: bool = True
    filler: bool = True
    minimum_share: float = 0.3  # of a long query's words a case study must hold (0: any)
    common_share: float = 0.5  # a word in more case studies than this matches only with a rarer
    bm25f: bool = True
    places: bool = True
    everyday_meaning: bool = True  # the sector's words for everyday ones embedded too
    ages_in_years: bool = True  # "my 15 year old" lifts the 11-16 band, as "teenager" does


# Users may write phrases, AND / OR / NOT, brackets and trailing wildcards; field names, ranges,
# boosts and bare '*' are not for them and only produce surprises.
_DROPPED_PLUGINS = (
    qparser.FieldsPlugin,
    qparser.RangePlugin,
    qparser.BoostPlugin,
    qparser.EveryPlugin,
    qparser.SingleQuotePlugin,
)
_LEADING_WILDCARD = re.compile(r"(?<![\w])[*?]+")
# A wildcard after fewer than MIN_PREFIX letters is dropped ("ba*" searches for "ba").
_SHORT_WILDCARD = re.compile(rf"\b(\w{{1,{MIN_PREFIX - 1}}})[*?]+")
_WILDCARD = re.compile(r"\w+[*?][\w*?]*")
_SLOP = re.compile(r'(")\s*~\s*\d*')
_SYNTAX = re.compile(r"[\"()*?]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")

# A question mark that ends a word is a question, not a one-letter wildcard: "how do councils
# reduce caseloads?" must not become the wildcard query caseloads? (it matched nothing).
_QUESTION_MARK = re.compile(r"(?<=\w)\?+(?=\s|$)")
_LONG_WORD = re.compile(rf"\w{{{MAX_WORD_CHARS + 1},}}")
_TYPED_WORD = re.compile(r"\w+(?:['\u2019]\w+)*[*?]*")  # a word as typed, with its wildcard


def clean(text: str) -> str:
    """Drop control and format characters, questions' question marks and words too long to be
    words, straighten “quotes”, fold white space, keep the first MAX_QUERY_WORDS words."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
        for ch in text[: 4 * MAX_QUERY_CHARS]
    ).translate(DOUBLE_QUOTES)
    kept = _QUESTION_MARK.sub("", " ".join(_LONG_WORD.sub(" ", kept).split()))[:MAX_QUERY_CHARS]
    ends = [found.end() for found in islice(_TYPED_WORD.finditer(kept), MAX_QUERY_WORDS)]
    return kept[: ends[-1]] if len(ends) == MAX_QUERY_WORDS else kept


def few_wildcards(text: str) -> str:
    """Text with wildcards after the first MAX_WILDCARDS taken out: each is looked up in every
    text field's word list, so 240 of them cost several times an ordinary search."""
    seen = iter(range(len(text)))
    return _WILDCARD.sub(
        lambda m: m.group() if next(seen) < MAX_WILDCARDS else re.sub(r"[*?]", "", m.group()),
        text,
    )


def shallow(text: str) -> str:
    """Text with brackets nested deeper than MAX_DEPTH dropped, with their closing ones (400
    deep took a third of a second to parse)."""
    if text.count("(") <= MAX_DEPTH:
        return text
    kept: list[str] = []
    opened: list[bool] = []  # for each open bracket, whether it was kept
    depth = 0  # of the kept ones
    for ch in text:
        keep = True
        if ch == "(":
            keep = depth < MAX_DEPTH
            opened.append(keep)
            depth += keep
        elif ch == ")" and opened:
            keep = opened.pop()
            depth -= keep
        if keep:
            kept.append(ch)
    return "".join(kept)


def plain_words(text: str) -> list[str] | None:
    """The words of a query without any search syntax, or None if it uses some."""
    return None if _SYNTAX.search(text) else words(text)


def minimum_match(clauses: int, share: float) -> int:
    """How many of a query's words or phrases a case study must hold: any one of up to two,
    then the given share of them, rounded down (as Elasticsearch's minimum_should_match)."""
    return 1 if clauses < 3 else max(1, math.floor(clauses * share))


def _typed(node: Any, source: str) -> str:
    """What was typed for a parsed word or phrase, as typed."""
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    return source[start:end] if isinstance(start, int) and isinstance(end, int) else ""


def _walk(query: Any) -> Iterator[Any]:
    yield query
    if not isinstance(query, Across | Pattern):
        for child in query.children():
            yield from _walk(child)


class QueryBuilder:
    """Parses user text against the index schema, with the thesaurus applied."""

    def __init__(
        self, schema: object, thesaurus: Thesaurus | None = None, tuning: Tuning | None = None
    ) -> None:
        self.thesaurus = thesaurus or get_thesaurus()
        self.tuning = tuning or Tuning()
        self.fields = dict(TEXT_FIELDS)
        # One field of the same analysis stands for all the text fields while parsing; each
        # word is then spread over the real fields (see _spread).
        single = Schema(text=TEXT(analyzer=make_analyzer(stem_cache=None)))
        self.parser = qparser.QueryParser("text", single, group=qparser.OrGroup)
        for plugin in _DROPPED_PLUGINS:
            self.parser.remove_plugin_class(plugin)
        self.parser.add_plugin(ThesaurusPlugin(self.thesaurus, self.tuning, self.fields))
        if self.tuning.filler:
            self.parser.add_plugin(FillerPlugin(self.thesaurus))

    def build(self, text: str) -> Query | None:
        """Return the query for user text, None for blank text (everything matches)."""
        typed, text = text, clean(text)
        if not text:
            # Only words too long to be words (a pasted token): it matches nothing, as a word
            # that is in no case study does, rather than the whole collection "by best match".
            return NullQuery if _LONG_WORD.search(typed) else None
        text = _LEADING_WILDCARD.sub(" ", text)
        text = _SHORT_WILDCARD.sub(r"\1", text)
        text = _SLOP.sub(r"\1", text)  # phrases are exact: "a b"~3 is "a b"
        text = few_wildcards(shallow(text))
        query = self._parse(text)
        if query is NullQuery:
            return query
        patterns = [node for node in _walk(query) if isinstance(node, Pattern)]
        for pattern in patterns:
            pattern.limit = max(1, min(pattern.limit, WILDCARD_WORDS // len(patterns)))
        words = plain_words(text)
        if words is not None and isinstance(query, Or):
            if self.tuning.minimum_share:
                query.minmatch = minimum_match(len(query.subqueries), self.tuning.minimum_share)
            query.common = self.tuning.common_share  # read by ranking.Ranker
        stems = [s for s in (stem(w) for w in (words or [])[:MAX_CLAUSES]) if s is not None]
        extra = []
        if len(stems) > 1:
            phrase = self._across(tuple(stems), PHRASE_BOOST, " ".join(words or []), "phrase")
            extra.append(phrase)
        if extra:
            query = Or([query, *extra])
        bands = self.thesaurus.age_bands(text, self.tuning.ages_in_years)
        if bands:
            lift = Or([Term("age_band", band) for band in bands])
            query = AndMaybe(query, ConstantScoreQuery(lift, score=AGE_BOOST))
        regions = self.thesaurus.regions(text) if self.tuning.places else []
        if regions:
            lift = Or([Term("region", region) for region in regions])
            query = AndMaybe(query, ConstantScoreQuery(lift, score=PLACE_BOOST))
        return query

    def meaning(self, text: str, query: Query | None) -> str:
        """What is embedded for ranking by meaning: the text as typed, then the sector's words
        the thesaurus found for its everyday ones ("kids in care" with "looked after
        children"): the embeddings know the sector's words better than a parent's."""
        sector = self.everyday(query) if self.tuning.everyday_meaning else []
        if query is None or not sector:
            return text
        # The embedding is an average over the words: in a long sentence ("my son was stabbed
        # last year and now ..."), the few sector words would be drowned; twice, they count.
        twice = len(words(text)) >= 3 * len(" ".join(sector).split()) > 0
        return " ".join([text, *sector, *(sector if twice else [])])

    def everyday(self, query: Query | None, told: bool = False) -> list[str]:
        """The sector's phrases the query also looks for in place of everyday words ("kinship
        care" for "nan"), as written, each once; if told, only the rules' own targets (not
        "sgo", a synonym of one), for the searcher, whose words a result may not hold."""
        nodes = [n for n in _walk(query) if isinstance(n, Across)] if query is not None else []
        phrases = list(dict.fromkeys(n.phrase for n in nodes if n.origin == "everyday"))
        if not told:
            return phrases
        asked = {n.words for n in nodes if n.origin != "everyday"}  # typed, or their synonyms
        sector = {n.phrase: n.words for n in nodes}
        return [p for p in phrases if p in self.thesaurus.targets and sector[p] not in asked]

    def ignored(self, text: str, query: Query | None) -> list[str]:
        """The words of text that the query leaves out as filler (for explaining it)."""
        words = plain_words(clean(text)) or []
        if query is None or not self.tuning.filler:
            return []
        used = {
            word
            for node in _walk(query)
            if isinstance(node, Across) and node.origin == "typed"
            for word in node.words
        }
        left = [w for w in words if self.thesaurus.is_filler(w) and stem(w) not in used]
        return list(dict.fromkeys(left))

    def _parse(self, text: str) -> Query:
        try:
            query = self._spread(self.parser.parse(text, normalize=False), [0], text)
        except Exception:  # whoosh raises assorted errors on malformed syntax
            plain = " ".join(words(text))
            try:
                parsed = self.parser.parse(plain, normalize=False) if plain else None
                query = self._spread(parsed, [0], plain)
            except Exception:
                query = None
        return NullQuery if query is None else query

    def _across(
        self, words: tuple[str, ...], boost: float, typed: str = "", origin: Origin = "typed"
    ) -> Any:
        if self.tuning.bm25f:
            return Across(words, self.fields, boost=boost, typed=typed, origin=origin)
        # Each field scored on its own and the scores added (Whoosh's way), for comparison.
        return Or(
            [
                Term(f, words[0], boost=w) if len(words) == 1 else Phrase(f, list(words), boost=w)
                for f, w in self.fields.items()
            ],
            boost=boost,
        )

    def _spread(self, query: Any, typed: list[int], source: str) -> Any:
        """The parsed tree with each word, phrase and wildcard searched across the text fields,
        empty groups dropped and one-child groups unwrapped (None for nothing left). typed
        counts the words, phrases and wildcards kept: after MAX_CLAUSES, the rest are left
        out."""
        if query is NullQuery or query is None:
            return None
        kind = type(query)
        if kind in (Term, Phrase, Prefix, Wildcard):
            if typed[0] >= MAX_CLAUSES:
                return None
            typed[0] += 1
        if kind is Term:
            return self._across((query.text,), query.boost, _typed(query, source))
        if kind is Phrase:
            words = tuple(w for w in query.words if w)
            return self._across(words, query.boost, _typed(query, source)) if words else None
        if kind in (Prefix, Wildcard):
            pattern = query.text + "*" if kind is Prefix else query.text
            return Pattern(pattern, self.fields, boost=query.boost)
        if kind is Across and not self.tuning.bm25f:
            return self._across(query.words, query.boost, query.typed, query.origin)
        if kind in (Across, Pattern, ConstantScoreQuery):
            return query
        if kind is Not:
            inner = self._spread(query.query, typed, source)
            return None if inner is None else Not(inner)
        if kind in (AndNot, AndMaybe):
            a, b = self._spread(query.a, typed, source), self._spread(query.b, typed, source)
            if a is None or b is None:
                return a
            return kind(a, b)
        if kind is Either and self._spread(query.subqueries[0], [0], source) is not None:
            if typed[0] >= MAX_CLAUSES:
                return None  # what was typed would be left out: its alternatives are too
        if kind in (And, Or, DisjunctionMax, Either):
            parts = [p for p in (self._spread(q, typed, source) for q in query.subqueries) if p]
            if not parts:
                return None
            if len(parts) == 1 and kind is not Either:
                only = parts[0]
                return only if query.boost == 1.0 else only.with_boost(only.boost * query.boost)
            node = kind(parts, boost=query.boost)
            if kind is DisjunctionMax:
                node.tiebreak = query.tiebreak
            return node
        raise ValueError(f"unexpected query node {kind.__name__}")
