"""Turn what a person typed into a Whoosh query. Never raises: odd input degrades to plain words."""

import re
import unicodedata

from whoosh import qparser
from whoosh.query import NullQuery, Query

from app.search.schema import TEXT_FIELDS

MAX_QUERY_CHARS = 1000
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


def clean(text: str) -> str:
    """Drop control and format characters, fold white space, trim to the length limit."""
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    return " ".join(kept.split())[:MAX_QUERY_CHARS]


def make_parser(schema: object) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS, group=qparser.OrGroup.factory(0.9)
    )
    for plugin in _DROPPED_PLUGINS:
        parser.remove_plugin_class(plugin)
    return parser


def parse(parser: qparser.QueryParser, text: str) -> Query | None:
    """Return the query for user text, None for blank text (everything matches)."""
    text = clean(text)
    if not text:
        return None
    text = _SHORT_WILDCARD.sub(r"\1", _LEADING_WILDCARD.sub(" ", text))
    try:
        query: Query = parser.parse(text)
    except Exception:  # whoosh raises assorted errors on malformed syntax
        words = " ".join(_WORDS.findall(text))
        try:
            query = parser.parse(words) if words else NullQuery
        except Exception:
            query = NullQuery
    return query
