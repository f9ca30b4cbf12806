"""The lay-language bridge's proposals: the sector's phrases nearest in meaning to an everyday
query, by the same word embeddings hybrid ranking uses (semantic.py).

An honest but rough guide: the model works from sub-word pieces, so it can put "mums" near
"locums"; a moderator reads, edits and accepts or dismisses every proposal.
"""

import threading

import numpy as np
from numpy.typing import NDArray

from app.search import semantic

FLOOR = 0.3  # closeness below this is noise in this model

_lock = threading.Lock()
_cache: dict[tuple[str, ...], NDArray[np.float32]] = {}


def _vectors(phrases: tuple[str, ...]) -> NDArray[np.float32] | None:
    found = semantic.model()
    if found is None:
        return None
    with _lock:
        vectors = _cache.get(phrases)
        if vectors is None:
            _cache.clear()  # one list of phrases at a time: the thesaurus's current one
            vectors = _cache[phrases] = np.asarray(found.embed(list(phrases), norm=True))
        return vectors


def nearest(text: str, phrases: list[str], limit: int) -> list[tuple[str, float]]:
    """Up to limit of the phrases nearest to text in meaning, closest first, with closeness;
    [] if the embeddings are not installed. A phrase that is the text itself is left out."""
    candidates = tuple(phrases)
    vectors = _vectors(candidates)
    query = semantic.query_vector(text)
    if vectors is None or query is None or not candidates:
        return []
    closeness = vectors @ query
    found: list[tuple[str, float]] = []
    for i in np.argsort(-closeness, kind="stable"):
        if closeness[i] < FLOOR or len(found) >= limit:
            break
        if candidates[i] != text:
            found.append((candidates[i], round(float(closeness[i]), 2)))
    return found
