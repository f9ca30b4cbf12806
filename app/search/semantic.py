"""Hybrid ranking: word embeddings beside BM25F, fused by reciprocal rank.

WordLlama's 256-dimension model ships inside its wheel (MIT licence, weights included: see
docs/relevance.md), so nothing is downloaded at run time. Each case study's title, summary,
themes and outcomes are embedded when it is indexed and kept as a stored field; a query is
embedded as typed. The embedding ranking only re-orders what the words matched: totals, facets
and minimum-should-match stay BM25F's. The fusion gives each document

    1 / (FUSION_K + its BM25F rank)  +  SEMANTIC_WEIGHT / (FUSION_K + its cosine rank)

Standard RRF (k = 60, equal weights) lost 0.05 nDCG@10 on the judged queries; this lighter
fusion gained 0.009 (docs/relevance.md). Above HYBRID_MAX_DOCS case studies it is off.
"""

import logging
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger(__name__)

DIMENSIONS = 256
FUSION_K = 10
SEMANTIC_WEIGHT = 0.3
HYBRID_MAX_DOCS = 20_000  # above this, vectors are neither made nor used (docs/relevance.md)
BATCH = 256
FIELD = "vector"  # the stored field that holds a document's embedding (float16 bytes)

Vectors = NDArray[np.float32]

_lock = threading.Lock()
_model: list[Any] = []  # the loaded model, once loaded (or None if it cannot be)


def model() -> Any:
    """WordLlama's bundled 256-dimension model, loaded once; None if it is not installed."""
    with _lock:
        if not _model:
            _model.append(_load())
        return _model[0]


def _load() -> Any:
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        log.warning("wordllama is not installed: search ranks by BM25F alone")
        return None
    # load(disable_download=True) looks for the tokenizer in the wrong folder of the package;
    # the package's own folder as the cache finds both files it ships.
    folder = Path(wordllama.__file__).parent
    return WordLlama.load(cache_dir=folder, disable_download=True, dim=DIMENSIONS)


def document_text(document: dict[str, Any]) -> str:
    return " ".join(
        str(document.get(name) or "") for name in ("title", "summary", "themes_text", "outcomes")
    )


def with_vectors(documents: Iterable[dict[str, Any]], size: int) -> Iterator[dict[str, Any]]:
    """The documents, each with its embedding added (a batch at a time) if an index of size
    documents uses them; above HYBRID_MAX_DOCS they are passed on as they are."""
    found = model() if size <= HYBRID_MAX_DOCS else None
    batch: list[dict[str, Any]] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= BATCH:
            yield from _embedded(found, batch)
            batch = []
    yield from _embedded(found, batch)


def _embedded(found: Any, batch: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    if found is None or not batch:
        yield from batch
        return
    vectors = found.embed([document_text(d) for d in batch], norm=True)
    for document, vector in zip(batch, vectors, strict=True):
        yield {**document, FIELD: np.asarray(vector, dtype=np.float16).tobytes()}


def matrix(stored: dict[int, dict[str, Any]], size: int) -> Vectors | None:
    """Every document's embedding as one array (zeros where a document has none), or None
    when hybrid ranking is off for this index."""
    if size > HYBRID_MAX_DOCS or model() is None:
        return None
    out = np.zeros((size, DIMENSIONS), dtype=np.float32)
    for docnum, fields in stored.items():
        raw = fields.get(FIELD)
        if isinstance(raw, bytes) and len(raw) == DIMENSIONS * 2:
            out[docnum] = np.frombuffer(raw, dtype=np.float16)
    return out


def query_vector(text: str) -> NDArray[np.float32] | None:
    found = model()
    if found is None or not text.strip():
        return None
    return np.asarray(found.embed([text], norm=True)[0], dtype=np.float32)


def ranks(
    values: NDArray[np.float64], candidates: NDArray[np.intp], by_slug: NDArray[np.intp]
) -> NDArray[np.float64]:
    """1-based ranks of the candidates by value, highest first, equal values in slug order
    (by_slug: every document in slug order, View.by_slug)."""
    wanted = np.zeros(len(values), dtype=np.bool_)
    wanted[candidates] = True
    ordered = by_slug[wanted[by_slug]]
    best_first = ordered[np.argsort(-values[ordered], kind="stable")]
    out = np.zeros(len(values))
    out[best_first] = np.arange(1, len(best_first) + 1)
    return out


def order(vectors: Vectors, query: Any, by_slug: NDArray[np.intp]) -> NDArray[np.intp]:
    """Every document by its cosine with the query, highest first (equal cosines in slug order):
    worked out once per query text and view, so a search only counts its candidates along it."""
    cosines = np.asarray(vectors @ query, dtype=np.float64)
    return by_slug[np.argsort(-cosines[by_slug], kind="stable")]


def fuse_ordered(
    scores: NDArray[np.float64],
    allowed: NDArray[np.bool_],
    by_cosine: NDArray[np.intp],
    by_slug: NDArray[np.intp],
) -> NDArray[np.float64]:
    """fuse()'s fused scores, with the semantic ranks counted along an order() made before:
    no product over the candidates' vectors and no second sort per search."""
    candidates = by_slug[allowed[by_slug]]
    lexical = np.zeros(len(scores))
    # Candidates are in slug order, so a stable sort breaks ties by slug, as ranks() does.
    best_first = np.argsort(-scores[candidates], kind="stable")
    lexical[candidates[best_first]] = np.arange(1, len(candidates) + 1)
    semantic = np.zeros(len(scores))
    semantic[by_cosine[allowed[by_cosine]]] = np.arange(1, len(candidates) + 1)
    fused = np.zeros(len(scores))
    fused[candidates] = 1 / (FUSION_K + lexical[candidates]) + SEMANTIC_WEIGHT / (
        FUSION_K + semantic[candidates]
    )
    return fused


def fuse(
    scores: NDArray[np.float64],
    candidates: NDArray[np.intp],
    vectors: Vectors,
    query: Any,
    by_slug: NDArray[np.intp],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Fused scores for the candidates (zero elsewhere), with the cosines and BM25F ranks."""
    cosines = np.zeros(len(scores))
    cosines[candidates] = vectors[candidates] @ query
    lexical = ranks(scores, candidates, by_slug)
    semantic = ranks(cosines, candidates, by_slug)
    fused = np.zeros(len(scores))
    fused[candidates] = 1 / (FUSION_K + lexical[candidates]) + SEMANTIC_WEIGHT / (
        FUSION_K + semantic[candidates]
    )
    return fused, cosines, lexical
