"""Best bets in a page of results: the pinned case studies that the search's filters allow come
first, the ranked matches after them without repeating them, and the whole list is paged as
one (so no case study is skipped or shown twice from page to page)."""

from whoosh.query import And, Or, Query, Term

from app.search.index import Filters, Hits, SearchIndex


def admitted(index: SearchIndex, slugs: list[str], filters: Filters) -> list[str]:
    """The slugs that are indexed (so published) and pass the filters, in the order given."""
    if not slugs:
        return []
    found = set(index.search(_any(slugs), filters, "title", 0, len(slugs)).slugs)
    return [slug for slug in slugs if slug in found]


def pinned_page(
    index: SearchIndex,
    query: Query,
    filters: Filters,
    pins: list[str],
    offset: int,
    limit: int,
    text: str,
) -> tuple[Hits, list[str]]:
    """One page of the pinned case studies followed by the ranked matches, by relevance, and
    the pins shown; the total counts a pin that the words do not match as one more."""
    pins = admitted(index, pins, filters)
    hits = index.search(query, filters, "relevance", 0 if pins else offset, offset + limit, text)
    if not pins:
        return hits, []
    matched = index.search(And([query, _any(pins)]), filters, "title", 0, len(pins)).slugs
    ranked = [slug for slug in hits.slugs if slug not in pins]
    slugs = [*pins, *ranked][offset : offset + limit]
    total = hits.total + len(pins) - len(matched)
    return Hits(slugs, total, hits.facets, hits.terms), pins


def _any(slugs: list[str]) -> Query:
    return Or([Term("slug", slug) for slug in slugs])
