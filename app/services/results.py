"""A published case study as one search result: its fields, and its words marked where the
search matched them (title and summary whole, the body's best sentence)."""

import html
import re

from app.core.drafting import apart
from app.core.markdown import markdown_passages
from app.core.results import SearchResult, Summary
from app.search.highlight import ELLIPSIS, passage, snippet

_MARK = re.compile(r"</?mark>")


def _asked(study: Summary, marked: str) -> bool:
    """Whether the body's best sentence is one of the questions the case study helps answer
    (its last section): the page then says so, or it reads as a quote from the story."""
    questions, _ = apart(study.body, "questions")
    said = html.unescape(_MARK.sub("", marked)).strip(ELLIPSIS + " ")
    return bool(said) and any(said in line for line in questions.splitlines())


def _highlights(study: Summary, terms: frozenset[str]) -> dict[str, str]:
    """Title and summary marked up whole; from the body (and outcomes) the sentence that holds
    the most matched words, unless it only restates the summary shown above it ("question"
    rather than "body" when it is one of the questions the case study helps answer). The body's
    sentences with their stems as the index kept them when it holds this body, else parsed."""
    kept = study.sentences
    parsed = markdown_passages(study.body) if kept is None else ()
    marked = {
        "title": snippet(study.title, terms, whole=True),
        "summary": snippet(study.summary, terms, whole=True),
        "body": passage(
            (*parsed, *study.outcomes),
            terms,
            besides=study.summary,
            kept=kept or (),
        ),
    }
    body = marked["body"]
    if body and _asked(study, body):
        marked["question"], marked["body"] = body, None
    return {name: text for name, text in marked.items() if text}


def search_result(study: Summary, terms: frozenset[str], recommended: bool = False) -> SearchResult:
    highlights = _highlights(study, terms) if terms else {}
    return SearchResult(
        slug=study.slug,
        title=study.title,
        council=study.council,
        region=study.region,
        summary=study.summary,
        priority_areas=study.priority_areas,
        age_bands=study.age_bands,
        themes=study.themes,
        evidence=study.evidence,
        published=study.published,
        last_reviewed=study.last_reviewed,
        source_url=study.source_url,
        highlights=highlights,
        recommended=recommended,
    )
