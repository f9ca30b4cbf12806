"""The search page's filter options, written by finder.choices (each option's markup kept)
instead of by the template's loop: byte for byte what the loop wrote, every value escaped."""

from app.web.pages.finder import Group, Option, choice, choices
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
CALLS = """\
          <fieldset>
            {% if group.options %}
            {{ choices(group) }}
            {% else %}
            <p class="none">None for this search.</p>
            {% endif %}
          </fieldset>
"""
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
