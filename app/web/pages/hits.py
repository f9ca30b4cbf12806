"""The search page's results and its year choices, written in Python byte for byte as
search.html's loops and _macros.html's `meta` and `tags` wrote them: Jinja's call per macro,
escape per value and lookup per attribute were about half of rendering the page.
tests/unit/test_hits.py holds both to the template's output."""

import functools
from collections.abc import Callable, Sequence
from datetime import date

from jinja2.filters import do_urlencode
from markupsafe import Markup, escape

from app.core.currency import may_be_out_of_date
from app.core.dates import in_words
from app.core.results import SearchResult
from app.web.pages.templating import Link

Label = Callable[[str, str], str]
RECOMMENDED = (
    '<p class="recommended"><strong class="recommended-tag">Recommended</strong>'
    " by the Bright Futures team for this search</p>"
)
_TAG_PARAMS = {"priority_areas": "priority_area", "age_bands": "age_band", "themes": "theme"}


@functools.lru_cache(maxsize=4096)
def _url_value(value: str) -> str:
    return str(escape(do_urlencode(value)))


@functools.lru_cache(maxsize=4096)
def _date_words(value: str) -> str:
    return str(escape(in_words(value)))


# Whether a result may be out of date, kept per (date checked, today, months): a page asks it
# for each result, and parsing the date each time was 2% of the page's CPU (issue 19).
_stale = functools.lru_cache(maxsize=4096)(may_be_out_of_date)


def meta(study: SearchResult, label: Label, stale: bool) -> str:
    """_macros.html's `meta`: council, region, dates and evidence on one line."""
    published = study.published
    reviewed = study.last_reviewed
    parts = [
        f'<p class="meta">\n  <span>{escape(study.council)}</span>\n'
        f"  <span>{escape(study.region)}</span>"
    ]
    if published and published != reviewed:
        parts.append(f"<span>Published {_date_words(published)}</span>")
    parts.append(f"  <span>Evidence: {escape(label('evidence', study.evidence))}</span>\n")
    if reviewed:
        parts.append(f"<span>Last checked {_date_words(reviewed)}</span>")
    if stale:
        parts.append('<span><strong class="stale-tag">May be out of date</strong></span>')
    parts.append("</p>\n")
    return "".join(parts)


def tags(study: SearchResult, label: Label, kinds: Sequence[str]) -> str:
    """_macros.html's `tags`: each tag a link to the search for it."""
    items = ['<ul class="tags" aria-label="Tags">\n']
    for kind in kinds:
        param = _TAG_PARAMS[kind]
        items += [
            f'  <li class="tag tag-{param}"><a href="/?{param}={_url_value(value)}">'
            f"{escape(label(kind, value))}</a></li>\n"
            for value in getattr(study, kind)
        ]
    items.append("</ul>\n")
    return "".join(items)


# A result's meta line and tags, kept per vocabulary (its labels) and the fields they show: the
# same case study shows the same ones whatever was searched for, and writing them afresh was
# about half of `hits` (issue 19). When full, the kept ones are let go and written again.
_KEPT_CARDS = 4096
_MetaKey = tuple[str, str, str | None, str | None, str, tuple[str, ...], bool]
_kept: dict[int, tuple[object, dict[_MetaKey, tuple[str, str]]]] = {}  # by id(vocabulary)


def _meta_and_tags(result: SearchResult, label: Label, stale: bool) -> tuple[str, str]:
    owner = getattr(label, "__self__", label)  # vocabulary.label: kept per vocabulary
    found = _kept.get(id(owner))
    if found is None or found[0] is not owner or len(found[1]) > _KEPT_CARDS:
        if len(_kept) > 8:  # tests make vocabularies of their own
            _kept.clear()
        found = _kept[id(owner)] = (owner, {})
    r = result
    key = (r.council, r.region, r.published, r.last_reviewed, r.evidence, tuple(r.themes), stale)
    written = found[1].get(key)
    if written is None:
        written = found[1][key] = (meta(r, label, stale), tags(r, label, ("themes",)))
    return written


def hit(result: SearchResult, href: str, label: Label, stale: bool) -> str:
    """One result, an <li> as search.html's loop wrote it. Its id is where the case study's
    "Back to results" returns to: the place in the list, not the top of the page."""
    written_meta, written_tags = _meta_and_tags(result, label, stale)
    lights = result.highlights
    summary = lights.get("summary") or ""
    last = summary.rfind("<mark>")
    shape = " whole" if last >= 260 else " long" if last >= 120 else ""
    body = lights.get("body")
    asked = lights.get("question")
    recommended = result.recommended
    return "".join(
        (
            "        <li>\n",
            f'          <article class="hit{" hit--recommended" if recommended else ""}"'
            f' id="result-{escape(result.slug)}">\n',
            RECOMMENDED if recommended else "",
            f'            <h3><a href="{escape(href)}">',
            lights.get("title") or escape(result.title),
            "</a></h3>\n            ",
            written_meta,
            f'\n            <p class="summary{shape}">',
            summary or escape(result.summary),
            "</p>\n",
            f'<p class="snippet">{body}</p>' if body else "",
            f'<p class="snippet"><span class="asked">Helps answer: </span>{asked}</p>'
            if asked
            else "",
            "            ",
            written_tags,
            "\n          </article>\n        </li>\n",
        )
    )


def hits(
    results: Sequence[SearchResult], link: Link, page: int, label: Label, stale_months: int
) -> Markup:
    """The page's results, for `{{ hits }}` indented as the first <li> was."""
    today = date.today()
    tail = link.case_study_query(page)
    written = "".join(
        hit(
            result,
            f"/case-studies/{result.slug}{tail}",
            label,
            _stale(result.last_reviewed, today, stale_months),
        )
        for result in results
    )
    return Markup(written.removeprefix("        "))


@functools.lru_cache(maxsize=256)
def year_options(years: tuple[int, ...], chosen: object) -> Markup:
    """A year select's options, "Any year" first, as search.html's loop wrote them."""
    options = "".join(
        f'<option value="{year}"{" selected" if year == chosen else ""}>{year}</option>'
        for year in years
    )
    return Markup(f'<option value="">Any year</option>\n{options}')
