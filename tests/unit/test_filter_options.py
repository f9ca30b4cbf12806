"""The search page's filter options, written by finder.choices (each option's markup kept)
instead of by the template's loop: byte for byte what the loop wrote, every value escaped."""

from app.config import ROOT
from app.core.results import SearchPage
from app.core.vocabulary import FILTERS, get_vocabulary
from app.services.facet_values import FacetValues
from app.web.pages.finder import Group, Option, choice, choices
from app.web.pages.search import filter_panel
from app.web.pages.templating import templates

# search.html's loop over a group's options as it was written before choices().
LOOP = (
    "          <fieldset>\n"
    "            {% for option in options %}\n"
    '            <div class="choice">\n'
    '              <input type="checkbox" id="{{ option.id }}" name="{{ name }}"'
    ' value="{{ option.value }}"{% if option.selected %} checked{% endif %}'
    '{% if option.hint %} aria-describedby="{{ option.id }}-hint"{% endif %}>\n'
    '              <label for="{{ option.id }}">{{ option.label }}'
    ' <span class="count">({{ option.count }})</span></label>\n'
    '              {% if option.hint %}<p id="{{ option.id }}-hint" class="choice-hint">'
    "{{ option.hint }}</p>{% endif %}\n"
    "            </div>\n"
    "            {% else %}\n"
    '            <p class="none">None for this search.</p>\n'
    "            {% endfor %}\n"
    "          </fieldset>\n"
)
# The same as the search page's panel now writes it (_filter_panel.html's own lines).
PANEL = (ROOT / "app" / "templates" / "_filter_panel.html").read_text(encoding="utf-8")
_START = PANEL.index("            {% if group.options %}\n")
_END = PANEL.index("{% endif %}\n", _START) + len("{% endif %}\n")
CALLS = f"          <fieldset>\n{PANEL[_START:_END]}          </fieldset>\n"
OPTIONS = [
    Option("f-theme-fostering", "fostering", "Fostering", 12, False),
    Option("f-theme-x", "a&b", 'Kids\' <b>"help"</b>', 0, True),
    Option("f-evidence-strong", "strong", "Strong", 3, True, hint='Tested <i>"twice"</i> & more'),
    Option("f-evidence-emerging", "emerging", "Emerging", 1_234, False, hint="Early signs"),
    Option("f-evidence-none", "none", "None", 7, False, hint=""),
]


def test_each_option_is_written_as_the_template_wrote_it() -> None:
    for name in ("theme", "a<b"):
        for options in (OPTIONS, OPTIONS[2:3], []):
            group = Group(name, "Title", options)
            context = {"options": options, "name": name, "group": group, "choices": choices}
            before = templates.env.from_string(LOOP).render(context)
            after = templates.env.from_string(CALLS).render(context)
            assert after == before
    # The second time from what was kept, with another count.
    again = Option("f-theme-fostering", "fostering", "Fostering", 13, False)
    assert "(13)</span>" in choice("theme", again)
    assert "&lt;b&gt;" in choice("theme", OPTIONS[1]) and "<b>" not in choice("theme", OPTIONS[1])


def _page(values: FacetValues, themes: dict[str, int]) -> SearchPage:
    counts = {**{name: {} for name in FILTERS}, "theme": themes}
    facets = values.facets(counts, {"theme": ["fostering"]}, {})
    return SearchPage(
        q="", sort="newest", total=1, page=1, per_page=10, pages=1, results=[], facets=facets
    )


def test_a_kept_panel_is_shown_only_for_the_same_values_and_counts() -> None:
    vocabulary = get_vocabulary()
    values = FacetValues(vocabulary)
    first = filter_panel(_page(values, {"fostering": 2, "early-years": 1}), vocabulary)
    assert 'id="f-theme-fostering" name="theme" value="fostering" checked' in first
    assert filter_panel(_page(values, {"fostering": 2, "early-years": 1}), vocabulary) is first
    other = filter_panel(_page(values, {"fostering": 3, "early-years": 1}), vocabulary)
    assert "(3)</span>" in other and "(2)</span>" not in other
    assert filter_panel(_page(FacetValues(vocabulary), {"fostering": 2}), vocabulary) != first
