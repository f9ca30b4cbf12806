"""Cleaning text at the door, and rendering Markdown safely: each stands on its own."""

import pytest

from app.core.markdown import markdown_to_html
from app.core.sanitise import clean_markdown, clean_text, safe_url


def test_rendering_shows_raw_html_as_text_and_drops_unsafe_links() -> None:
    html = markdown_to_html(
        "<script>alert(1)</script>\n\n[x](javascript:alert(2)) [y](https://a.org)"
    )
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://a.org" rel="noopener noreferrer nofollow">y</a>' in html


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
