"""The search page's results and year choices, written by hits.py instead of by search.html's
loops and _macros.html's macros: byte for byte what the template wrote."""

from datetime import date
from functools import partial

from app.core.currency import may_be_out_of_date
from app.core.results import SearchResult
from app.core.vocabulary import get_vocabulary
from app.web.pages.hits import hits, year_options
from app.web.pages.templating import Link, templates

# search.html's loop over the results as it was written before hits().
LOOP = """\
{% import "_macros.html" as m with context %}
      <ol class="hits" start="1">
        {% for result in page.results %}
        <li>
          <article class="hit{% if result.recommended %} hit--recommended{% endif %}" \
id="result-{{ result.slug }}">
            {% if result.recommended %}<p class="recommended"><strong class="recommended-tag">\
Recommended</strong> by the Bright Futures team for this search</p>{% endif %}
            <h3><a href="{{ link.case_study_url(result.slug, page.page) }}">\
{{ (result.highlights.title or result.title | e) | safe }}</a></h3>
            {{ m.meta(result, label) }}
            {# matches within about two lines' worth of text, or four ("long"), or shown whole #}
            {% set last = (result.highlights.summary or "").rfind("<mark>") %}
            {% set marked = result.highlights.summary or "" %}
            <p class="summary{% if last >= 260 %} whole{% elif last >= 120 %} long{% endif %}">\
{{ (marked or result.summary | e) | safe }}</p>
            {% if result.highlights.body %}<p class="snippet">{{ result.highlights.body | safe }}\
</p>{% endif %}
            {{ m.tags(result, label, ("themes",)) }}
          </article>
        </li>
        {% endfor %}
      </ol>
"""
CALL = """\
      <ol class="hits" start="1">
        {{ hits }}{# each result as the loop of before wrote it: hits.py #}
      </ol>
"""
YEARS_LOOP = """\
              <select id="published_from">
                <option value="">Any year</option>
                {% for year in years %}<option value="{{ year }}"{% if year == chosen %} selected\
{% endif %}>{{ year }}</option>{% endfor %}
              </select>
"""
YEARS_CALL = """\
              <select id="published_from">
                {{ year_options(years, chosen) }}{# "Any year" and each year, kept: hits.py #}
              </select>
"""


class Page:
    def __init__(self, results: list[SearchResult], page: int) -> None:
        self.results = results
        self.page = page


def result(n: int, **changes: object) -> SearchResult:
    fields: dict[str, object] = {
        "slug": f"case-{n}",
        "title": f"Care leavers' <hub> & more {n}",
        "council": 'Leeds "City" & Council',
        "region": "Yorkshire <and> the Humber",
        "summary": "A summary with 'quotes' & <tags> " * 3,
        "priority_areas": ["what-works"],
        "age_bands": ["16-25"],
        "themes": ["care-leavers", "fostering", "a&b c/d", "not-a-theme"],
        "evidence": "measured",
        "published": "2019-04",
        "last_reviewed": "2024-11-05",
        "source_url": None,
        "highlights": {},
    }
    return SearchResult.model_validate({**fields, **changes})


RESULTS = [
    result(1),
    result(2, recommended=True, published=None, last_reviewed=None, themes=[]),
    result(3, published="2021", last_reviewed="2021", evidence="evaluated"),
    result(4, published="not a date", last_reviewed=date.today().isoformat()),
    result(
        5,
        highlights={
            "title": "Care <mark>leavers</mark>",
            "summary": "x" * 130 + "<mark>care</mark>",
            "body": "… the <mark>care</mark> &amp; more …",
        },
    ),
    result(6, highlights={"summary": "y" * 300 + "<mark>hub</mark>", "body": ""}),
    result(7, highlights={"summary": "<mark>early</mark> on", "title": ""}),
]


def stale(last_reviewed: str | None, months: int) -> bool:
    """What the template's `out_of_date` said, with the months given rather than the app's."""
    return may_be_out_of_date(last_reviewed, date.today(), months)


def test_each_result_is_written_as_the_template_wrote_it() -> None:
    vocabulary = get_vocabulary()
    for months in (12, 600):
        for link in (Link([]), Link([("q", "care & <leavers>"), ("theme", "fostering")])):
            for number in (1, 3):
                for results in (RESULTS, RESULTS[1:2], RESULTS[4:]):
                    page = Page(results, number)
                    before = templates.env.from_string(LOOP).render(
                        page=page,
                        link=link,
                        label=vocabulary.label,
                        out_of_date=partial(stale, months=months),
                    )
                    written = hits(results, link, number, vocabulary.label, months)
                    after = templates.env.from_string(CALL).render(hits=written)
                    assert after == before


def test_the_year_choices_are_written_as_the_template_wrote_them() -> None:
    for years in ((), (2015,), (2015, 2016, 2019, 2024)):
        for chosen in (None, 2016, 2015, 1999, "2016"):
            context = {"years": years, "chosen": chosen, "year_options": year_options}
            before = templates.env.from_string(YEARS_LOOP).render(context)
            assert templates.env.from_string(YEARS_CALL).render(context) == before
            assert templates.env.from_string(YEARS_CALL).render(context) == before  # kept
