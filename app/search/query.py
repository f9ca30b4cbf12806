"""Turn what a person typed into a Whoosh query. Never raises: odd input degrades to plain words.

On top of Whoosh's parser: the sector's synonyms and acronyms expand in place, a phrase match of
all the words typed ranks above the same words scattered, and age words ("toddlers",
"teenagers") lift case studies for those ages without hiding the rest.
"""

import re
import unicodedata
from typing import Any

from whoosh import qparser
from whoosh.qparser import syntax
from whoosh.query import AndMaybe, ConstantScoreQuery, NullQuery, Or, Query, Term

from app.search.schema import TEXT_FIELDS
from app.search.thesaurus import Thesaurus, get_thesaurus

__all__ = ["MAX_QUERY_CHARS", "Query", "QueryBuilder", "clean", "plain_words"]

MAX_QUERY_CHARS = 1000
SYNONYM_BOOST = 0.5  # the words a person typed count more than their synonyms
PHRASE_BOOST = 3.0  # on top of the words' own scores
AGE_BOOST = 3.0  # a constant lift for case studies in the age bands that age words point to
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
_SHORT_WILDCARD = re.compile(r"\b(\w)[*?]+")  # "a*" would expand to most of the lexicon
_WORDS = re.compile(r"\w+", re.UNICODE)
_SYNTAX = re.compile(r"[\"()*?]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b")


# A question mark that ends a word is a question, not a one-letter wildcard: "how do councils
# reduce caseloads?" must not become the wildcard query caseloads? (it matched nothing).
_QUESTION_MARK = re.compile(r"(?<=\w)\?+(?=\s|$)")


def clean(text: str) -> str:
    """Drop control and format characters and questions' question marks, fold white space,
    trim to the length limit."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    return _QUESTION_MARK.sub("", " ".join(kept.split()))[:MAX_QUERY_CHARS]


def plain_words(text: str) -> list[str] | None:
    """The words of a query without any search syntax, or None if it uses some."""
    return None if _SYNTAX.search(text) else _WORDS.findall(text)


def _is_word(node: Any) -> bool:
    return type(node) is syntax.WordNode and node.fieldname is None


def _phrase(text: str, start: int | None) -> Any:
    node = qparser.PhrasePlugin.PhraseNode(text, start or 0)
    node.startchar, node.endchar = start, None if start is None else start + len(text)
    return node


def _word(text: str) -> Any:
    if " " in text:
        return _phrase(text, None)
    node = syntax.WordNode(text)
    node.startchar = node.endchar = None
    return node


def _synonyms(phrases: list[str], size: int) -> Any:
    """The best-matching synonym counts, weighted as if it were as long as what was typed:
    a phrase scores about the sum of its words, so "child and adolescent mental health
    services" would otherwise outweigh the "CAMHS" someone typed."""
    # A group's boost, not the node's: the multifield copy overwrites node boosts.
    return syntax.DisMaxGroup(
        [syntax.OrGroup([_word(p)], boost=SYNONYM_BOOST * size / len(p.split())) for p in phrases]
    )


class ThesaurusPlugin(qparser.Plugin):  # type: ignore[misc]
    """Replace each run of words that is a thesaurus entry with (entry OR its synonyms)."""

    def __init__(self, thesaurus: Thesaurus) -> None:
        self.thesaurus = thesaurus

    def filters(self, parser: Any) -> list[tuple[Any, int]]:
        return [(self.expand, 105)]  # after groups and wildcards, before the multifield copy

    def expand(self, parser: Any, group: Any) -> Any:
        nodes = list(group)
        out: list[Any] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, syntax.GroupNode):
                out.append(self.expand(parser, node))
                i += 1
                continue
            if not _is_word(node):
                out.append(node)
                i += 1
                continue
            run = [i]  # positions of consecutive words, white space between them
            j = i + 1
            while (
                len(run) < self.thesaurus.longest
                and j + 1 < len(nodes)
                and isinstance(nodes[j], syntax.Whitespace)
                and _is_word(nodes[j + 1])
            ):
                run.append(j + 1)
                j += 2
            for size in range(len(run), 0, -1):
                text = " ".join(nodes[k].text for k in run[:size])
                others = self.thesaurus.synonyms(text)
                if others:
                    original = node if size == 1 else _phrase(text, node.startchar)
                    out.append(syntax.OrGroup([original, _synonyms(others, size)]))
                    i = run[size - 1] + 1
                    break
            else:
                out.append(node)
                i += 1
        group.nodes = out
        return group


class QueryBuilder:
    """Parses user text against the index schema, with the thesaurus applied."""

    def __init__(self, schema: object, thesaurus: Thesaurus | None = None) -> None:
        self.thesaurus = thesaurus or get_thesaurus()
        self.parser = qparser.MultifieldParser(
            list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS, group=qparser.OrGroup.factory(0.9)
        )
        for plugin in _DROPPED_PLUGINS:
            self.parser.remove_plugin_class(plugin)
        self.literal = qparser.MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS)
        self.parser.add_plugin(ThesaurusPlugin(self.thesaurus))

    def build(self, text: str) -> Query | None:
        """Return the query for user text, None for blank text (everything matches)."""
        text = clean(text)
        if not text:
            return None
        text = _SHORT_WILDCARD.sub(r"\1", _LEADING_WILDCARD.sub(" ", text))
        query = self._parse(text)
        if query is NullQuery:
            return query
        words = plain_words(text)
        if words and len(words) > 1:
            phrase = self.literal.parse('"' + " ".join(words) + '"')
            if phrase is not NullQuery:
                query = Or([query, phrase], boost=1.0)
                phrase.boost *= PHRASE_BOOST
        bands = self.thesaurus.age_bands(text)
        if bands:
            lift = Or([Term("age_band", band) for band in bands])
            query = AndMaybe(query, ConstantScoreQuery(lift, score=AGE_BOOST))
        return query

    def _parse(self, text: str) -> Query:
        try:
            query: Query = self.parser.parse(text)
        except Exception:  # whoosh raises assorted errors on malformed syntax
            words = " ".join(_WORDS.findall(text))
            try:
                query = self.parser.parse(words) if words else NullQuery
            except Exception:
                query = NullQuery
        return query
