"""How a case study becomes an index document: the one place that knows the index's fields."""

from collections.abc import Callable
from typing import Any

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from app.core.content import CaseStudyFile
from app.core.drafting import apart
from app.core.names import normal_name
from app.core.vocabulary import Vocabulary
from app.search import building, passages
from app.search.analysis import make_analyzer, spelling_words

# Query-time boosts: title and summary above the body.
TEXT_FIELDS = {
    "title": 4.0,
    "summary": 2.0,
    "council": 2.0,
    "programme": 2.0,
    "themes_text": 1.5,
    "outcomes": 1.5,
    "body": 1.0,
    "plain_words": 1.0,  # the body's "In plain words" section, apart from the rest of it
    "questions": 1.0,  # its "Questions it helps answer", apart too
}
STORED_TEXT = ("title", "council", "programme")
# Filterable fields, keyed by the name the API uses for the filter and the facet.
FACET_FIELDS = {
    "priority_area": "priority_area",
    "age_band": "age_band",
    "theme": "theme",
    "region": "region",
    "evidence": "evidence",
    "council": "council_key",
    "measured": "measured",
}


def build_schema() -> Schema:
    analyzer = make_analyzer()
    # Titles, councils and programmes are stored for type-ahead suggestions.
    text = {name: TEXT(analyzer=analyzer, stored=name in STORED_TEXT) for name in TEXT_FIELDS}
    for field in text.values():  # the same postings, worked out for less (building.py)
        field.format = building.Positions(field_boost=field.format.field_boost)
    # vector=True keeps per-document tag lists, so counting facets never rebuilds them.
    tags = {
        name: KEYWORD(commas=True, scorable=False, vector=True)
        for name in ("priority_area", "age_band", "theme")
    }
    return Schema(
        slug=ID(stored=True, unique=True),
        region=ID(),
        evidence=ID(),
        council_key=ID(),
        measured=ID(),  # "true" when the case study reports a measured outcome
        published_year=NUMERIC(stored=True, sortable=True),
        published_key=STORED(),
        reviewed_key=STORED(),  # last_reviewed, for sort=reviewed
        content_hash=STORED(),
        title_key=STORED(),
        # The body's snippet passages, so a search does not parse its Markdown (passages.py).
        passages=STORED(),
        **text,
        **tags,
    )


def to_document(
    case_study: CaseStudyFile, vocabulary: Vocabulary, content_hash: str
) -> dict[str, Any]:
    """Return the index document for a published case study.

    content_hash is the store's fingerprint of the content, kept so that `indexer verify` can
    tell a stale document from a current one.
    """
    themes = case_study.themes
    published = case_study.published
    plain, body = apart(case_study.body, "plain")
    questions, body = apart(body, "questions")
    document = {
        "slug": case_study.slug,
        "title": case_study.title,
        "summary": case_study.summary,
        "body": body,
        "plain_words": plain,
        "questions": questions,
        "outcomes": "\n".join(case_study.outcomes),
        "council": case_study.council,
        "programme": case_study.programme or "",
        "themes_text": " ".join(vocabulary.label("themes", t) for t in themes),
        "priority_area": ",".join(case_study.priority_areas),
        "age_band": ",".join(case_study.age_bands),
        "theme": ",".join(themes),
        "region": vocabulary.region_slug(case_study.region) or "",
        "evidence": case_study.evidence,
        "council_key": council_key(case_study.council),
        "measured": "true" if case_study.has_measured_outcome else "false",
        "published_year": int(published[:4]) if published else None,
        "published_key": published or "",
        "reviewed_key": case_study.last_reviewed or "",
        "title_key": case_study.title.casefold(),
        "content_hash": content_hash,
        passages.FIELD: passages.Later(case_study.body),  # packed by the writer
    }
    return {name: value for name, value in document.items() if value is not None}


council_key = normal_name  # councils are filtered by name, whatever its case and spacing


def words_of(
    document: dict[str, Any], words: Callable[[str], set[str]] = spelling_words
) -> set[str]:
    """Every whole word of an index document's text fields: its part of the spelling list.
    words is spelling_words, or a build's SpellingWords (the same words, faster)."""
    return words("\n".join(str(document.get(name) or "") for name in TEXT_FIELDS))
