"""Cleaning text at the door, and rendering Markdown safely: each stands on its own."""

from html import unescape

import pytest

from app.core.markdown import markdown_to_html, scrolling_tables
from app.core.sanitise import clean_markdown, clean_text, safe_url, web_address_problem, xml_safe


def test_rendering_shows_raw_html_as_text_and_drops_unsafe_links() -> None:
    html = markdown_to_html(
        "<script>alert(1)</script>\n\n[x](javascript:alert(2)) [y](https://a.org)"
    )
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://a.org" rel="noopener noreferrer nofollow">y</a>' in html


def test_a_table_is_wrapped_in_a_named_region_that_a_keyboard_can_scroll() -> None:
    html = scrolling_tables(
        markdown_to_html(
            '| Measure "a" & <b> | **After** [two](https://a.org) years |\n|---|--:|\n| 1 | 2 |\n'
        )
    )
    assert html.startswith(
        '<div class="table-scroll" role="region" tabindex="0"'
        ' aria-label="Table: Measure &quot;a&quot; &amp; &lt;b&gt;, After two years"><table>\n'
    )
    assert html.endswith("</table></div>\n")
    assert html.count("<div") == 1


def test_only_real_tables_are_wrapped_never_the_words_table() -> None:
    """A link's title, code and text may hold "<table>" as words: they stay words."""
    text = '[x](https://a.org "<table> \\"q\\" </table>")\n\n`<table>` and </table>\n'
    html = markdown_to_html(text)
    assert scrolling_tables(html) == html
    many = markdown_to_html("|a|\n|-|\n\ntext\n\n|b|\n|-|\n| " + "c" * 200 + " |\n")
    wrapped = scrolling_tables(many)
    assert wrapped.count('<div class="table-scroll"') == 2 == wrapped.count("</table></div>")
    assert 'aria-label="Table: a"' in wrapped and 'aria-label="Table: b"' in wrapped


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Before <script>alert(1)</script>after", "Before after"),
        ("An image <img src=x onerror=alert(2)> here", "An image  here"),
        ("Escaped &lt;script&gt;alert(1)&lt;/script&gt; too", "Escaped  too"),
        ("Fish &amp; chips, 5 < 6 > 4", "Fish & chips, 5 < 6 > 4"),
        ("bell\x07 and nul\x00 gone", "bell and nul gone"),
    ],
)
def test_clean_text_removes_markup_and_control_characters(text: str, kept: str) -> None:
    assert clean_text(text) == kept


@pytest.mark.parametrize(
    ("markdown", "kept"),
    [
        ("[x](javascript:alert(3))", "x"),
        ("[x](JaVa&#115;cript:alert(3))", "x"),
        ("![pic](vbscript:bad 'title')", "pic"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "x"),
        (
            "[ok](https://a.org/a_(b)) and [rel](/x) and [mail](mailto:a@b.org)",
            "[ok](https://a.org/a_(b)) and [rel](/x) and [mail](mailto:a@b.org)",
        ),
        ("> a quote\n\n- a list & more", "> a quote\n\n- a list & more"),
        ("[r]: javascript:bad\n[s]: https://good.org", "[s]: https://good.org"),
    ],
)
def test_clean_markdown_keeps_markdown_and_drops_unsafe_links(markdown: str, kept: str) -> None:
    assert clean_markdown(markdown) == kept


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://a.org", True),
        ("/relative", True),
        ("#anchor", True),
        ("mailto:a@b.org", True),
        ("javascript:x", False),
        (" java\tscript:x", False),
        ("data:text/html,x", False),
        ("vbscript:x", False),
    ],
)
def test_safe_url(url: str, safe: bool) -> None:
    assert safe_url(url) is safe


# -- what is stored is what everyone gets -------------------------------------------------------

NESTED = "&" + "amp;" * 10 + "lt;img src=x onerror=alert(1)&" + "amp;" * 10 + "gt;"


@pytest.mark.parametrize(
    "text",
    [
        f"Before {NESTED} after",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
        "<<img>script>alert(1)<</b>/script>",
        "&#38;#60;img src=x onerror=alert(1)&#38;#62;",
        "&lt;&lt;b&gt;img src=x onerror=alert(1)&gt;",
    ],
)
def test_nested_entities_are_cleaned_to_the_end(text: str) -> None:
    cleaned = clean_text(text)
    assert "onerror" not in cleaned and "<img" not in cleaned and "<script" not in cleaned
    assert unescape(cleaned) == cleaned  # no entity left for a reader to turn into a tag
    assert clean_text(cleaned) == cleaned == clean_markdown(cleaned)


def test_entities_nested_beyond_any_honest_text_are_refused() -> None:
    with pytest.raises(ValueError, match="too deeply"):
        clean_text("&" + "amp;" * 100 + "lt;img src=x onerror=alert(1)&gt;")


@pytest.mark.parametrize(
    "bad", ["\uffff", "\ufffe", "\x00", "\x0b", "\ud800", "\x85", "\U0001ffff"]
)
def test_characters_xml_cannot_carry_are_stripped(bad: str) -> None:
    assert xml_safe(f"a{bad}b") == "ab"
    assert clean_text(f"Kinship{bad} carers") == "Kinship carers"
    assert clean_markdown(f"## The impact{bad}\n\nMore") == "## The impact\n\nMore"


@pytest.mark.parametrize("bad", ["\u202e", "\u202a", "\u2066", "\u2067", "\u2069"])
def test_bidirectional_controls_are_stripped_and_marks_kept(bad: str) -> None:
    """An unclosed right-to-left override reversed the rest of a title wherever it showed."""
    assert clean_text(f"Kinship{bad} carers") == "Kinship carers"
    assert clean_markdown(f"## The impact{bad}\n\nMore") == "## The impact\n\nMore"
    assert clean_text("Kinship\u200f carers") == "Kinship\u200f carers"  # a mark reorders nothing


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.leeds.gov.uk/children?page=2&sort=new", None),
        ("http://example.org/a_(b)", None),
        ("https://a.example/<script>alert(1)</script>", "no spaces, quotes, markup"),
        ("https://a.example/&lt;script&gt;", "no spaces, quotes, markup"),
        ('https://a.example/" onmouseover="alert(1)', "no spaces, quotes, markup"),
        ("https://a.example/page two", "no spaces, quotes, markup"),
        ("https://a.example/\uffff", "no spaces, quotes, markup"),
        ("https://user:secret@a.example/", "user name or password"),
        ("javascript:alert(1)", "http(s) address"),
        ("ftp://a.example/file", "http(s) address"),
        ("https://", "http(s) address"),
        ("https://a.example:port/", "not a web address"),
    ],
)
def test_web_addresses_are_plain_http(url: str, problem: str | None) -> None:
    found = web_address_problem(url)
    assert found is None if problem is None else problem in (found or "")
