"""The pages: the search page at /, a case study at /case-studies/{slug}, the compact /embed page
for frames, and /widget.js for the <case-study-search> element."""

from dataclasses import replace
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from app.config import ROOT
from app.core.vocabulary import FILTERS, Vocabulary
from app.services.case_studies import get_case_study
from app.services.filters import SearchRequest
from app.web.deps import BaseUrlDep, SearchDep, SessionDep, VocabularyDep
from app.web.pages.templating import Link, templates
from app.web.routes.params import search_params

router = APIRouter(include_in_schema=False)
FACET_LABELS = {
    "priority_area": "Priority area",
    "age_band": "Age band",
    "theme": "Theme",
    "region": "Region",
    "evidence": "Evidence",
}
STATIC = ROOT / "app" / "static"


def labeller(vocabulary: Vocabulary) -> dict[str, object]:
    def label(kind: str, value: str) -> str:
        return vocabulary.label(kind, value)

    def filter_label(name: str, value: str) -> str:
        if name in FILTERS:
            kind = FILTERS[name]
            slug = vocabulary.region_slug(value) if kind == "regions" else value
            return vocabulary.label(kind, slug or value)
        return {
            "age": f"Age {value}",
            "published_from": f"From {value}",
            "published_to": f"To {value}",
        }.get(name, value)

    return {"label": label, "filter_label": filter_label}


def page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and two either side; None for a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def embed_snippets(base_url: str, link: Link) -> tuple[str, str]:
    frame = (
        f'<iframe src="{base_url}/embed?{link.query(limit=5)}" title="Case studies from Bright '
        f'Futures" loading="lazy" width="100%" height="520"></iframe>'
    )
    attributes = [("q", "q"), ("theme", "theme"), ("age-band", "age_band")]
    attributes += [("priority-area", "priority_area"), ("region", "region")]
    attributes += [("evidence", "evidence")]
    parts = [
        f'{attribute}="{escape(",".join(link.values(name)))}"'
        for attribute, name in attributes
        if link.values(name)
    ]
    parts.append('limit="5"')
    widget = (
        f'<script src="{base_url}/widget.js" defer></script>\n'
        f"<case-study-search {' '.join(parts)}></case-study-search>"
    )
    return frame, widget


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    service: SearchDep,
    vocabulary: VocabularyDep,
    base_url: BaseUrlDep,
    params: Annotated[SearchRequest, Depends(search_params)],
) -> Response:
    page = service.search(session, params)
    link = Link.of(request)
    frame, widget = embed_snippets(base_url, link)
    facets = [
        {"name": name, "label": label, "values": getattr(page.facets, name)}
        for name, label in FACET_LABELS.items()
    ]
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": params.q,
            "page": page,
            "facets": facets,
            "link": link,
            "page_numbers": page_numbers(page.page, page.pages),
            "embed_frame": frame,
            "embed_widget": widget,
            **labeller(vocabulary),
        },
    )


@router.get("/case-studies/{slug}", response_class=HTMLResponse)
def case_study_page(
    request: Request,
    session: SessionDep,
    service: SearchDep,
    vocabulary: VocabularyDep,
    slug: Annotated[str, Path(max_length=120)],
) -> Response:
    study = get_case_study(session, slug)
    related = service.related(session, slug, 5).results
    return templates.TemplateResponse(
        request,
        "case_study.html",
        {"study": study, "related": related, **labeller(vocabulary)},
    )


@router.get("/embed", response_class=HTMLResponse)
def embed_page(
    request: Request,
    session: SessionDep,
    service: SearchDep,
    base_url: BaseUrlDep,
    params: Annotated[SearchRequest, Depends(search_params)],
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> Response:
    page = service.search(session, replace(params, page=1, per_page=limit))
    return templates.TemplateResponse(
        request, "embed.html", {"page": page, "link": Link.of(request), "base_url": base_url}
    )


@router.get("/widget.js")
def widget() -> FileResponse:
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")
