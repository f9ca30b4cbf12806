"""Which pinned case studies (best bets) a search may show: those in the index (so published)
that the search's filters allow."""

from whoosh.query import Or, Term

from app.search.index import Filters, SearchIndex


def admitted(index: SearchIndex, slugs: list[str], filters: Filters) -> list[str]:
    """The slugs that are indexed and pass the filters, in the order given."""
    if not slugs:
        return []
    query = Or([Term("slug", slug) for slug in slugs])
    found = set(index.search(query, filters, "title", 0, len(slugs)).slugs)
    return [slug for slug in slugs if slug in found]
