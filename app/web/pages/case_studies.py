"""The case study page at /case-studies/{slug}, the page that says what the evidence levels
mean, and the plain-words page for a case study that is not (or no longer) there."""

import re
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.core.content import CaseStudyFile
from app.core.drafting import plain_words
from app.core.errors import NotFound
from app.core.markdown import markdown_to_html, scrolling_tables
from app.core.results import SearchResult
from app.services.case_studies import published_case_study, vocabulary_with_counts
from app.services.filters import SearchRequest
from app.services.search import SearchService
from app.store.db import Session
from app.store.models import CaseStudy
from app.web.deps import BaseUrlDep, SearchDep, SessionDep, VocabularyDep
from app.web.pages.templating import back_to_results, templates
from app.web.problems import wants_html

router = APIRouter(include_in_schema=False)
MAX_SLUG = 120  # longer is no case study's: a plain "not found", not a validation error
RELATED = 5
SAME_COUNCIL = 5

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# The evidence levels as the page lists them: strongest first, not by how many there are.
EVIDENCE_ORDER = ("evaluated", "measured", "emerging")


def source_name(url: str | None) -> str:
    """The source's site, as people say it: "innovationcsc.co.uk"."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


def same_council(session: Session, service: SearchService, study: CaseStudyFile) -> list[CaseStudy]:
    """The council's other case studies, newest first (each listed as a related one is: its
    date and evidence level)."""
    request = SearchRequest(councils=[study.council], sort="newest")
    rows = service.matching(session, request, SAME_COUNCIL + 1)
    return [row for row in rows if row.slug != study.slug][:SAME_COUNCIL]


def left_at(at: str | None, slug: str) -> str:
    """The result the person left the list at: `at` (carried from case study to case study)
    if it is a slug, else this case study (reached from its own result)."""
    return at if at and len(at) <= MAX_SLUG and SLUG.fullmatch(at) else slug


def carried(slug: str, back: str | None, at: str) -> str:
    """A link to another case study that keeps the way back to the same search, and to the
    result the person left it at: a related case study is rarely in the list, so its own id
    sent "Back to results" to the top of the page."""
    url = f"/case-studies/{slug}"
    return f"{url}?{urlencode({'from': back.removeprefix('/?'), 'at': at})}" if back else url


def rendered_body(body: str) -> tuple[str, str]:
    """The body as the published page shows it (also to the officer who sent it): the plain
    words open the story, set apart; on a phone the key facts still come first."""
    plain, rest = plain_words(body)
    plain_html = scrolling_tables(markdown_to_html(plain)) if plain else ""
    return plain_html, scrolling_tables(markdown_to_html(rest))


@router.get("/case-studies/{slug}", response_class=HTMLResponse)
def case_study_page(
    request: Request,
    session: SessionDep,
    service: SearchDep,
    vocabulary: VocabularyDep,
    base_url: BaseUrlDep,
    slug: str,
    from_: Annotated[str | None, Query(alias="from")] = None,
    at: str | None = None,
) -> Response:
    try:
        if len(slug) > MAX_SLUG:
            raise NotFound(f"No published case study has a slug {MAX_SLUG}+ characters long.")
        study = published_case_study(session, slug)
    except NotFound:
        if not wants_html(request):
            raise
        return not_found_page(request, slug)
    back = back_to_results(from_)
    origin = left_at(at, study.slug)
    related: list[SearchResult] = service.related(session, slug, RELATED).results
    council = same_council(session, service, study)
    shown = {row.slug for row in council}
    plain_html, body_html = rendered_body(study.body)
    return templates.TemplateResponse(
        request,
        "case_study.html",
        {
            "study": study,
            "plain_html": plain_html,
            "body_html": body_html,
            "canonical": f"{base_url}/case-studies/{study.slug}",
            "back": back,
            "left_at": origin,
            "carried": lambda other: carried(other, back, origin),
            "evidence": vocabulary.find("evidence", study.evidence),
            "source_name": source_name(study.source_url),
            "council": council,
            "related": [r for r in related if r.slug not in shown],
            "label": vocabulary.label,
        },
    )


def not_found_page(request: Request, slug: str) -> Response:
    """Say plainly that the case study is not here, and offer its words as a search."""
    words = " ".join(slug[:MAX_SLUG].replace("-", " ").split())
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": 404, "title": "Case study not found", "detail": "", "q": words},
        status_code=404,
    )


@router.get("/evidence-levels", response_class=HTMLResponse)
def evidence_levels_page(
    request: Request, session: SessionDep, vocabulary: VocabularyDep
) -> Response:
    counts = {t.slug: t.count for t in vocabulary_with_counts(session, vocabulary).evidence}
    levels = [
        {"term": term, "count": counts.get(slug, 0)}
        for slug in EVIDENCE_ORDER
        if (term := vocabulary.find("evidence", slug)) is not None
    ]
    return templates.TemplateResponse(request, "evidence_levels.html", {"levels": levels})
