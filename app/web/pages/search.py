"""The search page at / (the case study page is in case_studies.py, the embed page and the
widget's script in embed.py)."""

import re
from dataclasses import replace

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from app.config import ROOT
from app.core.results import Facets, SearchPage
from app.core.vocabulary import Vocabulary
from app.services.browse import themes as browse_themes
from app.services.filters import SearchRequest
from app.web import search_route
from app.web.deps import SearchingDep
from app.web.pages import finder, page_query
from app.web.pages.alerts import FREQUENCIES
from app.web.pages.embed import embed_panel
from app.web.pages.hits import hits, year_options
from app.web.pages.templating import Link, templates

router = APIRouter(include_in_schema=False)
STATIC = ROOT / "app" / "static"


def page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first, the last and two either side; None for a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


# Its one dependency called directly (SearchRoute), not through FastAPI's solve_dependencies
# (about 6% of the page's CPU by the profile). The page reads its query string itself.
@search_route.get(router, "/", response_class=HTMLResponse)
def search_page(request: Request, searching: SearchingDep) -> Response:
    if (cleaner := page_query.without_blanks(request.query_params)) is not None:
        return RedirectResponse(cleaner, status_code=302)  # the same search, shareable
    service, vocabulary, base_url = searching.service, searching.vocabulary, searching.base_url
    query = page_query.read(request.query_params, vocabulary)
    search = query.request
    # The session opened here, in the endpoint's own thread, as the API does (a `def`
    # generator dependency costs two more thread hand-offs and an exit stack a request).
    with searching.open_session() as session:
        page = service.search(session, search)
        if page.total and search.page > page.pages:
            query.notices.append(
                f"There {'is' if page.pages == 1 else 'are'} only {page.pages} "
                f"page{'' if page.pages == 1 else 's'} of results, so the last is shown."
            )
            search = replace(search, page=page.pages)
            page = service.search(session, search)
        link = Link.of_search(search)
        unfiltered = None
        if not page.total and link.filters:  # would the words alone find something?
            unfiltered = service.search(session, _without_filters(search)).total
    browse = browse_themes(service, vocabulary) if search.q and not page.total else []
    described = finder.describe(search, vocabulary)
    feed_url = link.without("sort").url("/feeds/case-studies.atom")
    months = request.app.state.settings.review_stale_months
    return templates.TemplateResponse(
        request,
        "search.html",
        {
            "q": search.q,
            "page": page,
            "search": search,
            "panel": filter_panel(page, vocabulary),
            "chips": finder.chips(search, vocabulary),
            "sorts": sort_choices(search),
            "hits": hits(page.results, link, page.page, vocabulary.label, months),
            "years": tuple(service.published_years()),
            "year_options": year_options,
            "chosen_years": query.years,
            "notices": query.notices,
            "errors": query.errors,
            "unfiltered": unfiltered,
            "browse": browse,
            "unfound": unfound(search.q, page.did_you_mean) if page.corrected else [],
            "link": link,
            "page_numbers": page_numbers(page.page, page.pages),
            "feed_url": feed_url,
            "feed_address": base_url + feed_url,  # to copy into a feed reader
            "feed_title": "New case studies" + (f": {described}" if described else ""),
            "csv_url": link.url("/api/v1/search.csv"),
            "embed": embed_panel(request, base_url, link),
            "alert_search": link.without("sort").without("per_page").query(),
            "alert_form": alert_form(request),
        },
    )


# The "Get emails" form's fields and its privacy note as _alert_form.html's macros write them
# for this page: the same on every search page but for the two settings the note names.
# Importing the macros `with context` and calling them each time was about 3% of the page's
# CPU (issue 19).
_alert_forms: dict[tuple[int, int], tuple[Markup, Markup]] = {}


def alert_form(request: Request) -> tuple[Markup, Markup]:
    settings = request.app.state.settings
    key = (settings.alert_keep_months, settings.alert_keep_notice_days)
    made = _alert_forms.get(key)
    if made is None:
        context = {"request": request, "frequencies": FREQUENCIES}
        macros = templates.env.get_template("_alert_form.html").make_module(context)
        fields = macros.fields({}, {}, owner="alert-form")  # type: ignore[attr-defined]
        privacy = macros.privacy()  # type: ignore[attr-defined]
        made = _alert_forms[key] = (Markup(fields), Markup(privacy))
    return made


# The filter panel's sections as _filter_panel.html writes them, kept per vocabulary and facet
# values: each FacetValue is one object for as long as it is kept (app/services/facet_values.py),
# so their identities say which values, counts and choices the panel shows. Writing it afresh
# (the options, then Jinja) was about a tenth of the page's CPU (issue 19); a search that shows
# the same values (the next page, another sort, the same search again) finds it written. An
# entry holds its values, so their ids are not reused while it is kept; when full, all are let go.
_PANELS = 128
_FACET_NAMES = tuple(Facets.model_fields)
_panels: dict[tuple[object, ...], tuple[Vocabulary, Facets, Markup]] = {}


def filter_panel(page: SearchPage, vocabulary: Vocabulary) -> Markup:
    facets = page.facets
    key = (id(vocabulary), *(tuple(map(id, getattr(facets, n))) for n in _FACET_NAMES))
    found = _panels.get(key)
    if found is None or found[0] is not vocabulary:
        sections = finder.sections(page, vocabulary)
        template = templates.env.get_template("_filter_panel.html")
        written = Markup(template.render(sections=sections, choices=finder.choices))
        if len(_panels) >= _PANELS:
            _panels.clear()
        found = _panels[key] = (vocabulary, facets, written)
    return found[2]


def unfound(typed: str | None, showing: str | None) -> list[str]:
    """The words typed that the corrected search does not keep: the ones no published case
    study contains, for the notice to name ("cheaper", not "cheaper than residential homes")."""
    kept = {word.casefold() for word in re.findall(r"[^\W_]+", showing or "")}
    found = re.findall(r"[^\W_]+", typed or "")
    return list(dict.fromkeys(word for word in found if word.casefold() not in kept))


def _without_filters(search: SearchRequest) -> SearchRequest:
    return SearchRequest(q=search.q, per_page=1)


def sort_choices(search: SearchRequest) -> list[tuple[str, str, bool]]:
    """The sort select's (value, text, selected): the empty value is the default in effect —
    best match for typed words, newest for the whole collection — so a person who never chose
    a sort always gets that default, even after typing words into a browse page."""
    if search.q.strip():
        choices = [("", "Best match"), ("newest", "Newest"), ("title", "Title A to Z")]
    else:
        choices = [("", "Newest"), ("title", "Title A to Z")]
    choices.append(("reviewed", "Most recently checked"))
    chosen = search.sort if search.sort in {value for value, _ in choices} else ""
    return [(value, text, value == chosen) for value, text in choices]


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")
