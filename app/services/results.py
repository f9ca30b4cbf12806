"""A published case study as one search result: its fields, and its words marked where the
search matched them (title and summary whole, the body's best sentence)."""

from app.core.markdown import markdown_passages
from app.core.results import SearchResult
from app.search.highlight import passage, snippet
from app.store.models import CaseStudy


def _highlights(case_study: CaseStudy, terms: frozenset[str]) -> dict[str, str]:
    """Title and summary marked up whole; from the body (and outcomes) the sentence that holds
    the most matched words, unless it only restates the summary shown above it."""
    marked = {
        "title": snippet(case_study.title, terms, whole=True),
        "summary": snippet(case_study.summary, terms, whole=True),
        "body": passage(
            (*markdown_passages(case_study.body), *case_study.outcomes),
            terms,
            besides=case_study.summary,
        ),
    }
    return {name: text for name, text in marked.items() if text}


def search_result(
    case_study: CaseStudy, terms: frozenset[str], recommended: bool = False
) -> SearchResult:
    highlights = _highlights(case_study, terms) if terms else {}
    return SearchResult(
        slug=case_study.slug,
        title=case_study.title,
        council=case_study.council,
        region=case_study.region,
        summary=case_study.summary,
        priority_areas=case_study.tag_values("priority_areas"),
        age_bands=case_study.tag_values("age_bands"),
        themes=case_study.tag_values("themes"),
        evidence=case_study.evidence,  # type: ignore[arg-type]
        published=case_study.published,
        last_reviewed=case_study.last_reviewed,
        source_url=case_study.source_url,
        highlights=highlights,
        recommended=recommended,
    )
