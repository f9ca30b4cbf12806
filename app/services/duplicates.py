"""Close matches between a draft and the published case studies: the same source, the same
title, or half or more of its three-word runs in common. Only published ones count, since the
candidates come from the index."""

from typing import Any

from app.core.markdown import markdown_to_text
from app.core.submissions import SubmissionWarning
from app.core.words import words
from app.search.index import SearchIndex
from app.store import case_studies as store
from app.store.db import Session

SIMILAR = 5
DUPLICATE_AT = 0.5  # share of three-word runs in common


def draft_texts(draft: dict[str, Any]) -> dict[str, str]:
    body = "\n".join([draft.get("body") or "", *(draft.get("outcomes") or [])])
    return {
        "title": draft.get("title") or "",
        "summary": draft.get("summary") or "",
        "body": markdown_to_text(body),
    }


def _shingles(text: str) -> set[tuple[str, ...]]:
    run = words(text.casefold())
    return {tuple(run[i : i + 3]) for i in range(max(len(run) - 2, 0))}


def duplicates(
    session: Session, index: SearchIndex, content: dict[str, Any], own_slug: str | None = None
) -> list[SubmissionWarning]:
    """Published case studies that a draft closely matches: the same source, the same title, or
    half or more of its three-word runs in common."""
    texts = draft_texts(content)
    found = [s for s, _ in index.similar(texts, {}, SIMILAR, exclude=own_slug)]
    mine = _shingles("\n".join(texts.values()))
    title = " ".join(words(texts["title"].casefold()))
    warnings = []
    for row in store.list_published_by_slug(session, found):
        theirs = _shingles("\n".join(draft_texts(row.model_dump()).values()))
        overlap = len(mine & theirs) / len(mine | theirs) if mine and theirs else 0.0
        same_source = bool(content.get("source_url")) and content["source_url"] == row.source_url
        same_title = title == " ".join(words(row.title.casefold()))
        if overlap >= DUPLICATE_AT or same_source or same_title:
            why = (
                "has the same source"
                if same_source
                else "has the same title"
                if same_title
                else f"shares {overlap:.0%} of its wording"
            )
            warnings.append(
                SubmissionWarning(
                    kind="possible_duplicate",
                    detail=f"Closely matches the published case study {row.slug!r} "
                    f'("{row.title}"): it {why}. Amend it, or tell the moderators why both '
                    "should stand.",
                    slug=row.slug,
                )
            )
    return warnings
