"""Feeds and exports of any search: an Atom feed of newly published case studies and CSV."""

import csv
import io
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.core.content import first_day
from app.core.sanitise import xml_safe
from app.core.vocabulary import Vocabulary
from app.services.filters import SearchRequest, known
from app.store.models import CaseStudy
from app.web import search_route
from app.web.deps import SearchingDep
from app.web.pages.finder import describe
from app.web.pages.templating import Link
from app.web.routes.params import search_params

router = APIRouter(tags=["feeds and exports"])
ATOM = "http://www.w3.org/2005/Atom"
# Our extension element, <bf:lastReviewed>2026-03</bf:lastReviewed>: when the case study was last
# checked to be still current (Atom's own <updated> says when its content changed).
OURS = "urn:x-bright-futures:case-studies"
CSV_LIMIT = 10_000
CSV_COLUMNS = (
    "slug",
    "title",
    "council",
    "region",
    "published",
    "last_reviewed",
    "evidence",
    "priority_areas",
    "age_bands",
    "themes",
    "programme",
    "summary",
    "outcomes",
    "source_url",
    "url",
)


def _day(text: str | None) -> str | None:
    """RFC 3339 for Atom of a stored partial date (read as its first day), or None if it is not
    a real date."""
    first = first_day(text) if text else None
    return None if first is None else f"{first:%Y-%m-%d}T00:00:00Z"


def _timestamps(study: CaseStudy) -> tuple[str, str]:
    """(published, updated) for Atom. Published is the first publication, or when the record
    last changed if the stored date is not a real one (a row from older rules). Updated is when
    the published content last changed: the `updated` date a published amendment stamps (or the
    collection file gives), never before publication. A review that finds it still current
    changes only `last_reviewed`, which is not a change of content (it has bf:lastReviewed)."""
    published = _day(study.published) or study.modified_at.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    return published, max(published, _day(study.updated) or published)


@search_route.get(  # its query string read in one step
    router,
    "/feeds/case-studies.atom",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}},
)
def atom_feed(
    request: Request,
    searching: SearchingDep,
    params: Annotated[SearchRequest, Depends(search_params)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """Newly published case studies, newest first, as Atom. Takes the search parameters, so a
    feed can follow one theme, age band, region or query."""
    vocabulary, base_url = searching.vocabulary, searching.base_url
    wanted = replace(params, sort=params.sort or "newest")
    with searching.open_session() as session:  # in the endpoint's thread (deps.Searching)
        studies = searching.service.matching(session, wanted, limit)
    link = Link.of(request)
    ET.register_namespace("", ATOM)
    ET.register_namespace("bf", OURS)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        # ElementTree writes any character it is given; XML cannot carry them all (a NUL in the
        # query, a stored U+FFFF), so the feed keeps only what a reader can parse.
        safe = {name: xml_safe(value) for name, value in attrs.items()}
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", safe)
        if text is not None:
            element.text = xml_safe(text)
        return element

    self_url = link.url(f"{base_url}/feeds/case-studies.atom")
    add(feed, "id", self_url)
    described = describe(known(vocabulary, params)[0], vocabulary)
    add(
        feed, "title", "Bright Futures: new case studies" + (f" – {described}" if described else "")
    )
    add(feed, "subtitle", "Good practice in children's services from councils in England and Wales")
    add(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    add(feed, "link", rel="alternate", href=link.url(f"{base_url}/"), type="text/html")
    stamps = [_timestamps(s) for s in studies]
    add(feed, "updated", max(u for _, u in stamps) if stamps else "1970-01-01T00:00:00Z")
    add(add(feed, "author"), "name", "Bright Futures")
    for study, (published, updated) in zip(studies, stamps, strict=True):
        entry = add(feed, "entry")
        page = f"{base_url}/case-studies/{study.slug}"
        add(entry, "id", page)
        add(entry, "title", study.title)
        add(entry, "link", rel="alternate", href=page, type="text/html")
        add(entry, "updated", updated)
        add(entry, "published", published)
        add(add(entry, "author"), "name", study.council)
        add(entry, "summary", study.summary)
        for theme in study.tag_values("themes"):
            add(entry, "category", term=theme, label=vocabulary.label("themes", theme))
        if study.last_reviewed:
            ET.SubElement(entry, f"{{{OURS}}}lastReviewed").text = xml_safe(study.last_reviewed)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _row(study: CaseStudy, base_url: str, vocabulary: Vocabulary) -> dict[str, str]:
    """One case study's CSV columns (read while its session is open: its tags load lazily).
    Evidence, priority areas, ages and themes by the labels the pages show ("Outcomes
    measured", "Care leavers"), not their codes: the spreadsheet is for people (the JSON API
    has the codes)."""

    def labels(kind: str) -> str:
        return "; ".join(vocabulary.label(kind, value) for value in study.tag_values(kind))

    return {
        "slug": study.slug,
        "title": study.title,
        "council": study.council,
        "region": study.region,
        "published": study.published or "",
        "last_reviewed": study.last_reviewed or "",
        "evidence": vocabulary.label("evidence", study.evidence),
        "priority_areas": labels("priority_areas"),
        "age_bands": labels("age_bands"),
        "themes": labels("themes"),
        "programme": study.programme or "",
        "summary": study.summary,
        "outcomes": "; ".join(study.outcomes),
        "source_url": study.source_url or "",
        "url": f"{base_url}/case-studies/{study.slug}",
    }


def _cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@search_route.get(  # its query string read in one step
    router,
    "/api/v1/search.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def search_csv(
    searching: SearchingDep,
    params: Annotated[SearchRequest, Depends(search_params)],
) -> Response:
    """Every case study a search finds (up to 10,000), in its order, as CSV: the same parameters
    as /api/v1/search (`page` and `per_page` are ignored). Lists are joined with "; "; tags are
    their labels, as the pages show them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    base_url = searching.base_url
    with searching.open_session() as session:  # in the endpoint's thread (deps.Searching)
        studies = searching.service.matching(session, params, CSV_LIMIT)
        rows = [_row(study, base_url, searching.vocabulary) for study in studies]
    for values in rows:
        writer.writerow([_cell(values[c]) for c in CSV_COLUMNS])
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        "\ufeff" + out.getvalue(),  # a byte-order mark, so spreadsheet programs read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="case-studies-{stamp}.csv"'},
    )
