"""Would "Searches like this also used: …" (pseudo-relevance feedback offered as a refinement,
never applied silently) help? For each judged query, the refinement proposed is the theme that
most of its first five results share (at least three of them) and that the query does not name;
the refined query (the query and the theme's label) is scored beside the query itself.

    .venv/bin/python -m bench.refinements

A person who took the refinement would gain on average what "refined" gains over "as typed".
"""

from collections import Counter
from statistics import mean

from app.config import Settings
from app.core.vocabulary import get_vocabulary
from app.services.filters import SearchRequest
from indexer import relevance

TOP = 5
AGREE = 3  # of the TOP first results must share the theme


def main() -> None:
    labels = {t.slug: t.label for t in get_vocabulary().terms("themes")}
    judgments = relevance.read_judgments()
    rows: list[tuple[str, float, float | None]] = []
    with relevance.collection_search(Settings().data_dir) as (service, session):

        def ranked(query: str, filters: dict[str, list[str]]) -> list[str]:
            request = SearchRequest(q=query, filters=filters, per_page=relevance.DEPTH)
            return [r.slug for r in service.search(session, request, "").results]

        for judgment in judgments:
            request = SearchRequest(q=judgment.query, filters=judgment.filters, per_page=TOP)
            first = service.search(session, request, "").results
            shared = Counter(theme for result in first for theme in result.themes)
            words = judgment.query.casefold()
            proposal = next(
                (
                    labels[theme]
                    for theme, n in shared.most_common()
                    if n >= AGREE and labels[theme].casefold() not in words
                ),
                None,
            )
            typed = relevance.ndcg_at_10(
                ranked(judgment.query, judgment.filters), judgment.expected
            )
            refined = None
            if proposal is not None:
                again = ranked(f"{judgment.query} {proposal}", judgment.filters)
                refined = relevance.ndcg_at_10(again, judgment.expected)
            rows.append((judgment.kind, typed, refined))
    print(
        f"{'kind':10} {'queries':>7} {'proposed':>8} {'as typed':>9} {'refined':>8} "
        f"{'better':>6} {'worse':>6}"
    )
    for kind in [*relevance.KINDS, "all"]:
        part = [r for r in rows if kind in (r[0], "all")]
        offered = [(t, r) for _, t, r in part if r is not None]
        if not part:
            continue
        better = sum(1 for t, r in offered if r > t + 1e-9)
        worse = sum(1 for t, r in offered if r < t - 1e-9)
        typed = mean(t for t, _ in offered) if offered else 0.0
        refined = mean(r for _, r in offered) if offered else 0.0
        print(
            f"{kind:10} {len(part):7} {len(offered):8} {typed:9.3f} {refined:8.3f} "
            f"{better:6} {worse:6}"
        )


if __name__ == "__main__":
    main()
