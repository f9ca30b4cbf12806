"""Related case studies: the distinctive words of a text, searched for in the same fields of
the published case studies, plus a constant lift for each tag they share (what "related case
studies" on a page and the duplicate warning for a draft both ask)."""

from whoosh.query import ConstantScoreQuery, Or, Query, Term

from app.search import bits
from app.search.schema import TEXT_FIELDS
from app.search.view import View

RELATED_TERMS = {"title": 5, "summary": 10, "body": 25}
RELATED_TAG_SCORES = {"theme": 1.0, "priority_area": 0.6, "age_band": 0.3}


def similar(
    view: View,
    texts: dict[str, str],
    tags: dict[str, list[str]],
    limit: int,
    exclude: str | None,
) -> list[tuple[str, float]]:
    """The published case studies in a view most like a text, best first, with scores."""
    allowed = view.live
    clauses: list[Query] = []
    with view.lock:
        searcher = view.searcher
        if exclude is not None:
            allowed &= ~bits.from_ids(searcher.docs_for_query(Term("slug", exclude)))
        for name, text in texts.items():
            words = searcher.key_terms_from_text(name, text, numterms=RELATED_TERMS[name])
            boost = TEXT_FIELDS[name]
            clauses += [Term(name, word, boost=weight * boost) for word, weight in words]
    clauses += [
        ConstantScoreQuery(Term(name, value), score=RELATED_TAG_SCORES[name])
        for name, values in tags.items()
        for value in values
    ]
    if not clauses:
        return []
    top = view.whoosh_top(Or(clauses), allowed, limit)
    return [(view.slugs[docnum], score) for score, docnum in top]
