"""Why a case study ranks where it does: the query taken apart into what each part adds.

The parts are the query's own nodes, each scored alone by the ranker, so they add up to the
score the results are ranked by; nothing here is a second scoring model.
"""

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray
from whoosh.query import AndMaybe, AndNot, DisjunctionMax, Not, Or, Query

from app.core.results import Explanation, MatchedWords, ScorePart
from app.search import bits, ranking, semantic
from app.search.nodes import Across, Either, Pattern
from app.search.view import Filters, View


def for_slugs(
    view: View, query: Query, filters: Filters, slugs: list[str], text: str
) -> dict[str, Explanation]:
    """Explanations for a page of a search's results, by slug ({} if the ranker cannot
    evaluate the query)."""
    allowed = view.live
    for selected in view.filter_sets(filters).values():
        allowed &= selected
    try:
        matched = bits.to_bits(view.ranker.evaluate(query).matched)
    except ranking.Unsupported:
        return {}
    mask = bits.to_mask(matched & allowed, view.size)
    wanted = set(slugs)
    where = {slug: d for d, slug in enumerate(view.slugs) if slug in wanted}
    found = explain(view, query, list(where.values()), mask, text)
    return {slug: found[d] for slug, d in where.items() if d in found}


def explain(
    view: View, query: Query, docnums: list[int], allowed: NDArray[np.bool_], text: str
) -> dict[int, Explanation]:
    """An explanation for each of the documents (which the query matches, within allowed)."""
    ranker = view.ranker
    scores = ranker.evaluate(query).scores
    parts = [(label, node, ranker.evaluate(node).scores) for label, node in _parts(query)]
    candidates = np.flatnonzero(allowed)
    lexical = semantic.ranks(scores, candidates, view.by_slug)
    vectors = view.vectors if text else None
    vector = semantic.query_vector(text) if vectors is not None else None
    fused = cosines = semantic_ranks = None
    if vectors is not None and vector is not None:
        fused, cosines, _ = semantic.fuse(scores, candidates, vectors, vector, view.by_slug)
        semantic_ranks = semantic.ranks(cosines, candidates, view.by_slug)
    found: dict[int, Explanation] = {}
    for doc in docnums:
        found[doc] = Explanation(
            score=round(float(scores[doc]), 6),
            parts=[
                ScorePart(
                    part=label, score=round(float(part[doc]), 6), matched=_matched(view, node, doc)
                )
                for label, node, part in parts
                if part[doc]
            ],
            ignored=[],
            bm25f_rank=int(lexical[doc]),
            semantic_rank=None if semantic_ranks is None else int(semantic_ranks[doc]),
            cosine=None if cosines is None else round(float(cosines[doc]), 6),
            fused=None if fused is None else round(float(fused[doc]), 6),
        )
    return found


def _parts(query: Any) -> Iterator[tuple[str, Any]]:
    """The query's parts and a label for each: the OR at its top taken apart, the age and
    place lifts apart from the words."""
    kind = type(query)
    if kind is AndMaybe:
        yield from _parts(query.a)
        fields = {leaf.fieldname for leaf in query.b.leaves()}
        if fields == {"region"}:
            yield "place words: case studies in those regions", query.b
        else:
            yield "age words: case studies for those ages", query.b
    elif kind is AndNot:
        yield from _parts(query.a)
    elif kind is Or:
        for child in query.subqueries:
            if type(child) is not Not:
                yield from _parts(child)
    elif kind is not Not:
        yield _label(query), query


def _label(node: Any) -> str:
    if isinstance(node, Across):
        if node.origin == "phrase":
            return f'all the words typed, side by side: "{node.typed}"'
        return node.typed
    if isinstance(node, Either | DisjunctionMax):
        return _label(node.subqueries[0])  # what was typed comes first
    if isinstance(node, Pattern):
        return node.text
    return str(node)


def _leaves(node: Any) -> Iterator[Any]:
    if isinstance(node, Across | Pattern):
        yield node
    elif not isinstance(node, Not):
        children = [node.a] if isinstance(node, AndNot) else list(node.children())
        for child in children:
            yield from _leaves(child)


def _matched(view: View, node: Any, doc: int) -> list[MatchedWords]:
    """The words and phrases of a part that the document holds, where and for how much."""
    found: list[MatchedWords] = []
    for leaf in _leaves(node):
        if isinstance(leaf, Pattern):
            words = [Across((w,), leaf.fields, origin="wildcard") for w in view.ranker.expand(leaf)]
        else:
            words = [leaf]
        for across in words:
            score = float(view.ranker.evaluate(across).scores[doc]) / (across.boost or 1.0)
            if score:
                found.append(
                    MatchedWords(
                        words=" ".join(across.words),
                        origin=across.origin,
                        fields=_occurrences(view, across, doc),
                        score=round(score, 6),
                    )
                )
    return found


def _occurrences(view: View, across: Across, doc: int) -> dict[str, int]:
    schema = view.searcher.schema
    fields = {f: w for f, w in across.fields.items() if f in schema}
    if not fields:
        return {}
    words = tuple(schema[next(iter(fields))].to_bytes(w) for w in across.words)
    counts: dict[str, int] = {}
    for field, found in view.ranker.fields.occurrences(words, fields).items():
        at = int(np.searchsorted(found.ids, doc))
        if at < len(found.ids) and found.ids[at] == doc:
            counts[field] = int(found.counts[at])
    return counts
