"""Embedding on other websites: the compact /embed page that frames show, the versioned
/widget.js behind <case-study-search>, and the snippets the search page's "Embed this search"
panel offers (the same search as a widget or as a frame, each with a plain link inside that
shows until it renders and again if it cannot)."""

from dataclasses import dataclass, replace
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.core.vocabulary import FILTERS, Vocabulary
from app.services.filters import SearchRequest
from app.web import search_route
from app.web.assets import VersionedScript, widget_script
from app.web.deps import SearchingDep
from app.web.pages.templating import Link, templates
from app.web.routes.params import search_params

router = APIRouter(include_in_schema=False)

DEFAULT_LIMIT = 5
# A search parameter and the widget attribute that carries it; several values of one are
# separated by commas, except councils' names, which may contain commas themselves.
ATTRIBUTES = {
    "q": "q",
    "priority_area": "priority-area",
    "age_band": "age-band",
    "age": "age",
    "theme": "theme",
    "region": "region",
    "council": "council",
    "evidence": "evidence",
    "published_from": "published-from",
    "published_to": "published-to",
    "sort": "sort",
}
SEPARATORS = {"council": "|"}
# The script URL is cached briefly (a release reaches pages within minutes); each version's
# own URL for a year, since what it serves never changes.
STABLE_CACHE = "public, max-age=300"
VERSIONED_CACHE = "public, max-age=31536000, immutable"
# Any page may load it, with integrity checks (which need CORS).
SCRIPT_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def count_text(total: int) -> str:
    if total == 0:
        return "No case studies match"
    return "1 case study" if total == 1 else f"{total:,} case studies"


def describe(link: Link, vocabulary: Vocabulary) -> str:
    """The search in a few words, for the plain link: "Bright Futures case studies: Fostering"."""
    words = [f"“{q}”" for q in link.values("q")]
    for name, value in link.filters:
        if name in FILTERS:
            kind = FILTERS[name]
            slug = vocabulary.region_slug(value) if kind == "regions" else value
            words.append(vocabulary.label(kind, slug or value))
        elif name == "age":
            words.append(f"age {value}")
        elif name in ("published_from", "published_to"):
            words.append(f"{'from' if name == 'published_from' else 'to'} {value}")
        elif name == "council":
            words.append(value)
    return "Bright Futures case studies" + (f": {', '.join(words)}" if words else "")


@dataclass(frozen=True)
class EmbedPanel:
    """What the "Embed this search" panel shows: each snippet, the elements it previews, the
    script pinned with Subresource Integrity, and how to get a site allowed."""

    widget: str
    frame: str
    widget_element: str
    frame_element: str
    pinned_script: str
    contact: str  # EMBED_CONTACT: an email address or a web address, or nothing
    contact_href: str


def elements(link: Link, base_url: str, text: str) -> tuple[str, str, str, str]:
    """<case-study-search> for this search, with a plain link to it inside: as the widget and
    as the frame, each with base_url in its link and without. Worked out together, as they
    differ only there (one pass for the four was a quarter of the panel's time, issue 19)."""
    attributes = []
    for name, attribute in ATTRIBUTES.items():
        if values := link.values(name):
            joined = SEPARATORS.get(name, ",").join(values)
            attributes.append(f'{attribute}="{escape(joined)}"')
    attributes.append(f'limit="{DEFAULT_LIMIT}"')
    path, words = Link(link.pairs).url("/"), escape(text)
    shown = " ".join(attributes)

    def made(base: str, mode: str) -> str:
        return (
            f"<case-study-search {mode}{shown}>\n"
            f'  <a href="{escape(f"{base}{path}")}">{words}</a>\n'
            "</case-study-search>"
        )

    frame = 'mode="frame" '
    return made(base_url, ""), made(base_url, frame), made("", ""), made("", frame)


def script_tag(base_url: str, script: VersionedScript, pinned: bool) -> str:
    if not pinned:
        return f'<script src="{base_url}/widget.js" defer></script>'
    return (
        f'<script src="{base_url}{script.path}" integrity="{script.integrity}" '
        'crossorigin="anonymous" defer></script>'
    )


def embed_panel(request: Request, base_url: str, link: Link) -> EmbedPanel:
    """The panel for the search in `link` (its page and page size are not part of an embed)."""
    search = Link([(k, v) for k, v in link.pairs if k not in ("page", "per_page")])
    text = describe(search, request.app.state.vocabulary)
    contact: str = request.app.state.settings.embed_contact
    script = widget_script()
    widget, frame, widget_element, frame_element = elements(search, base_url, text)
    stable = script_tag(base_url, script, pinned=False)
    return EmbedPanel(
        widget=f"{widget}\n{stable}",
        frame=f"{frame}\n{stable}",
        widget_element=widget_element,
        frame_element=frame_element,
        pinned_script=script_tag(base_url, script, pinned=True),
        contact=contact,
        contact_href=contact_href(contact),
    )


def contact_href(contact: str) -> str:
    if "@" in contact and "://" not in contact:
        return f"mailto:{contact}"
    return contact if contact.startswith(("https://", "http://")) else ""


@search_route.get(router, "/embed", response_class=HTMLResponse)  # its query read in one step
def embed_page(
    request: Request,
    searching: SearchingDep,
    params: Annotated[SearchRequest, Depends(search_params)],
    limit: Annotated[int, Query(ge=1, le=20)] = DEFAULT_LIMIT,
) -> Response:
    """A compact list of results for a frame on an allowed website; it tells the page that
    frames it its height, so the frame never scrolls inside. Its session is opened here, in the
    endpoint's own thread, as the search page's is (deps.Searching)."""
    with searching.open_session() as session:
        page = searching.service.search(session, replace(params, page=1, per_page=limit))
    return templates.TemplateResponse(
        request,
        "embed.html",
        {
            "page": page,
            "count": count_text(page.total),
            "link": Link.of(request),
            "base_url": searching.base_url,
        },
    )


@router.get("/widget.js")
def widget() -> RedirectResponse:
    """The widget's stable address: a redirect to the current version."""
    headers = {**SCRIPT_HEADERS, "Cache-Control": STABLE_CACHE}
    return RedirectResponse(widget_script().path, status_code=302, headers=headers)


@router.get("/widget.{version}.js")
def versioned_widget(version: Annotated[str, Path(max_length=64)]) -> Response:
    """One version of the widget, cached for a year. An older version's address leads to the
    current one (a page that pinned the old one with integrity then shows its plain link)."""
    script = widget_script()
    if version != script.version:
        headers = {**SCRIPT_HEADERS, "Cache-Control": STABLE_CACHE}
        return RedirectResponse(script.path, status_code=302, headers=headers)
    headers = {**SCRIPT_HEADERS, "Cache-Control": VERSIONED_CACHE}
    return Response(script.body, media_type="text/javascript", headers=headers)
