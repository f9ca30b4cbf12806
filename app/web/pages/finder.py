"""The search page's filter panel, in the GOV.UK finder pattern: groups in the order people
look for them (where, then what), values in an order that means something and stays put, short
names with hints, and the filters in use as chips that say which filter they belong to."""

import functools
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from app.core.results import FacetValue, SearchPage
from app.core.vocabulary import FILTERS, Vocabulary
from app.services.filters import SearchRequest

TITLES = {
    "region": "Region",
    "council": "Council",
    "priority_area": "Priority area",
    "age_band": "Age group",
    "evidence": "Evidence level",
    "measured": "Measured outcomes",
    "theme": "Theme",
    "age": "Child's age",
    "published_from": "Published from",
    "published_to": "Published to",
}
# Sections of the panel, top to bottom, and the filters each holds.
SECTIONS = (
    ("region", ("region",)),
    ("council", ("council",)),
    ("priority_area", ("priority_area",)),
    ("age_band", ("age_band",)),
    ("evidence", ("evidence", "measured")),
    ("theme", ("theme",)),
)
# The Evidence section holds two filters: the level ("Outcomes measured" is one) and whether
# measured outcomes are reported, a yes or no. Each has its own legend and its chip names it:
# the chip "Outcomes: measured" read as the level.
SECTION_TITLES = {"evidence": "Evidence"}
LONG = {"council", "theme"}  # lists long enough to need a box that narrows them
ALPHABETICAL = {"council", "theme"}  # the others keep the vocabulary's order (age, strength)
HINTS = {"priority_area", "evidence"}  # values explained by the vocabulary's description
MEASURED_CHIPS = {"true": "reported", "false": "none reported yet"}


@dataclass(frozen=True)
class Option:
    id: str
    value: str
    label: str
    count: int
    selected: bool
    hint: str | None = None


@dataclass(frozen=True)
class Group:
    name: str  # the URL parameter
    title: str
    options: list[Option]


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    groups: list[Group]
    long: bool = False
    chosen: int = field(default=0)


@dataclass(frozen=True)
class Chip:
    name: str
    value: str
    text: str  # "Region: North West"


@functools.lru_cache(maxsize=4096)  # a page asks it for every option (a tenth of its time)
def dom_id(*parts: str) -> str:
    """An HTML id from a filter's name and value: stable across searches, so focus and the
    open groups survive the panel being redrawn."""
    return "-".join(re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in parts)


# An option's markup, as search.html's loop wrote it (the template calls choices() for each
# group): a page has tens of options (more with more councils), and Jinja escaping each one's
# values was a fifth of the page's time. Kept per option, its count apart (the part that
# changes most from one search to the next), about a kilobyte each.
_INDENT = " " * 12  # an option's own lines in the template, and its lines within (+2)


@functools.lru_cache(maxsize=4096)
def _choice_around(
    name: str, id_: str, value: str, label: str, selected: bool, hint: str | None
) -> tuple[str, str]:
    """The option's markup before and after its count, every value escaped."""
    id_ = escape(id_)
    checked = " checked" if selected else ""
    described = f' aria-describedby="{id_}-hint"' if hint else ""
    before = (
        f'<div class="choice">\n{_INDENT}  <input type="checkbox" id="{id_}" name="{escape(name)}"'
        f' value="{escape(value)}"{checked}{described}>\n'
        f'{_INDENT}  <label for="{id_}">{escape(label)} <span class="count">('
    )
    after = ")</span></label>\n"
    if hint:
        after += f'<p id="{id_}-hint" class="choice-hint">{escape(hint)}</p>'
    return before, f"{after}{_INDENT}</div>"


def choice(name: str, option: Option) -> str:
    """One option of a group's checkboxes (name: the URL parameter), as HTML."""
    o = option
    before, after = _choice_around(name, o.id, o.value, o.label, o.selected, o.hint)
    return f"{before}{o.count}{after}"


def choices(group: Group) -> Markup:
    """A group's options, one a line as the template indents them (one call a group rather
    than one an option: a call from a template costs Jinja several times a dict look-up)."""
    return Markup(f"\n{_INDENT}".join(choice(group.name, o) for o in group.options))


# Each option as made from its facet value, kept per vocabulary (it names the labels and the
# hints) and filter: a page has tens of options and making each afresh (its id, its label, its
# hint, the dataclass) was a tenth of the page's CPU (issue 19). An option never changes once
# made; when full, the kept ones are let go and made again.
_KEPT_OPTIONS = 16_384
# The filter, and the facet value's value, label, count and whether it is chosen.
_OptionKey = tuple[str, str, str, int, bool]
_kept: dict[int, tuple[Vocabulary, dict[_OptionKey, Option]]] = {}  # by id(vocabulary)


def _kept_options(vocabulary: Vocabulary) -> dict[_OptionKey, Option]:
    found = _kept.get(id(vocabulary))
    if found is None or found[0] is not vocabulary or len(found[1]) > _KEPT_OPTIONS:
        if len(_kept) > 8:  # tests make vocabularies of their own
            _kept.clear()
        found = _kept[id(vocabulary)] = (vocabulary, {})
    return found[1]


def _option(name: str, value: FacetValue, vocabulary: Vocabulary) -> Option:
    kind = FILTERS.get(name)
    term = vocabulary.find(kind, value.value) if kind else None
    return Option(
        id=dom_id("f", name, value.value),
        value=value.value,
        label=vocabulary.short_label(kind, value.value) if kind else value.label,
        count=value.count,
        selected=value.selected,
        hint=term.description if term and name in HINTS else None,
    )


def _options(name: str, values: list[FacetValue], vocabulary: Vocabulary) -> list[Option]:
    kind = FILTERS.get(name)
    kept = _kept_options(vocabulary)
    options = []
    for value in values:
        key = (name, value.value, value.label, value.count, value.selected)
        option = kept.get(key)
        if option is None:
            option = kept[key] = _option(name, value, vocabulary)
        options.append(option)
    if name in ALPHABETICAL:
        return sorted(options, key=lambda o: o.label.casefold())
    if kind:
        order = {slug: n for n, slug in enumerate(vocabulary.slugs(kind))}
        return sorted(options, key=lambda o: order.get(o.value, len(order)))
    return sorted(options, key=lambda o: o.value, reverse=True)  # measured: "true" first


def sections(page: SearchPage, vocabulary: Vocabulary) -> list[Section]:
    """The panel's checkbox sections, in order; the published years are the template's."""
    found = []
    for section, names in SECTIONS:
        groups = [
            Group(name, TITLES[name], _options(name, getattr(page.facets, name), vocabulary))
            for name in names
        ]
        chosen = sum(o.selected for g in groups for o in g.options)
        title = SECTION_TITLES.get(section, TITLES[section])
        found.append(Section(section, title, groups, section in LONG, chosen))
    return found


def chips(search: SearchRequest, vocabulary: Vocabulary) -> list[Chip]:
    """The filters in use, each naming its filter, in the panel's order."""
    found = []
    for name, values in search.filters.items():
        kind = FILTERS[name]
        found += [
            Chip(name, v, f"{TITLES[name]}: {vocabulary.short_label(kind, v)}") for v in values
        ]
    found += [Chip("council", c, f"Council: {c}") for c in search.councils]
    if search.measured is not None:
        value = str(search.measured).lower()
        found.append(Chip("measured", value, f"{TITLES['measured']}: {MEASURED_CHIPS[value]}"))
    for name in ("age", "published_from", "published_to"):
        number = getattr(search, name)
        if number is not None:
            found.append(Chip(name, str(number), f"{TITLES[name]}: {number}"))
    order = [name for _, names in SECTIONS for name in names]
    return sorted(found, key=lambda c: order.index(c.name) if c.name in order else len(order))


def describe(search: SearchRequest, vocabulary: Vocabulary) -> str:
    """A search in words: “care leavers” – Region: North West; Theme: Fostering."""
    parts = [f"“{search.q}”"] if search.q else []
    parts += ["; ".join(chip.text for chip in chips(search, vocabulary))]
    return " – ".join(part for part in parts if part)
