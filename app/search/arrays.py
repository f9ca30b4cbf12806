"""A query node's matches as arrays: sparse for one word, dense over every document once
combined, and the best few of them."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from app.search.postings import Floats, Ids


@dataclass
class Sparse:
    """One term's matches: ascending document numbers and their scores."""

    ids: Ids
    scores: Floats


@dataclass
class Dense:
    """A node's matches over every document: scores, a match mask and matching-term counts."""

    scores: Floats
    matched: NDArray[np.bool_]
    terms: NDArray[np.int32]


Result = Sparse | Dense


def empty(size: int) -> Dense:
    return Dense(np.zeros(size), np.zeros(size, dtype=np.bool_), np.zeros(size, dtype=np.int32))


def dense(result: Result | None, size: int) -> Dense:
    if isinstance(result, Dense):
        return result
    out = empty(size)
    if result is not None:
        add(out, result, intersect=False)
    return out


def add(out: Dense, result: Result, intersect: bool) -> None:
    """Add a result's scores into out; keep out's matches (intersect) or join them."""
    if isinstance(result, Sparse):
        out.scores[result.ids] += result.scores
        out.terms[result.ids] += 1
        if intersect:
            mask = np.zeros(len(out.matched), dtype=np.bool_)
            mask[result.ids] = True
            out.matched &= mask
        else:
            out.matched[result.ids] = True
    else:
        out.scores += result.scores
        out.terms += result.terms
        if intersect:
            out.matched &= result.matched
        else:
            out.matched |= result.matched


def matched(result: Result) -> int:
    """How many documents a result matches."""
    return len(result.ids) if isinstance(result, Sparse) else int(result.matched.sum())


def keep_rare(out: Dense, results: list[Result], limit: float) -> None:
    """Keep the documents of out that a result matching at most `limit` documents also matches,
    if any result does: a word nearly every document holds makes no match on its own."""
    rare = None
    for result in results:
        if 0 < matched(result) <= limit:
            if rare is None:
                rare = np.zeros(len(out.matched), dtype=np.bool_)
            if isinstance(result, Sparse):
                rare[result.ids] = True
            else:
                rare |= result.matched
    if rare is None:
        return
    out.matched &= rare
    out.scores[~out.matched] = 0.0
    out.terms[~out.matched] = 0


def top(
    scores: Floats, allowed: NDArray[np.bool_], count: int, by_slug: NDArray[np.intp]
) -> list[int]:
    """The best `count` allowed documents, by score and then slug: by_slug lists every document
    in slug order (View.by_slug), so equal scores come out in the same order whatever numbers
    a build gave the documents."""
    candidates = by_slug[allowed[by_slug]]
    if count <= 0 or not len(candidates):
        return []
    values = scores[candidates]
    if len(candidates) > count:
        threshold = np.partition(values, len(values) - count)[len(values) - count]
        keep = values >= threshold
        candidates, values = candidates[keep], values[keep]
    # Candidates are in slug order, so a stable sort leaves equal scores in slug order.
    order = np.argsort(-values, kind="stable")[:count]
    return [int(d) for d in candidates[order]]
