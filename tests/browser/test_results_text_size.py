"""A councillor at a desk with the text at 200% (WCAG 1.4.4, by the root's font size) reads the
results: a summary or a "Helps answer" snippet cut to a few lines at the usual size is shown
whole once the text is large, so no match is hidden and every question can be read to its end.
The results pass axe-core and fit the width."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from testkit.servers import service
from tests.browser.checks import ROOT_200, accessible, adopt, fits, shoot
from tests.browser.test_search_journeys import HIDDEN_MARKS
from tests.seeded import ServerPrepare

pytestmark = pytest.mark.browser

# A result's summary or snippet whose lines are cut: its words run on past its box.
CUT = """
[...document.querySelectorAll('.hit .summary, .hit .snippet')]
  .filter(p => p.scrollHeight > p.clientHeight + 1).map(p => p.textContent.slice(0, 60))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, seeded_server: ServerPrepare) -> Iterator[str]:
    with service(
        tmp_path_factory.mktemp("results-200"), {"RATE_LIMIT": "off"}, prepare=seeded_server
    ) as base:
        yield base


@pytest.mark.parametrize(
    "question", ["my son is close to going into care", "we foster a girl who pushes us away"]
)
def test_with_the_text_at_200_percent_no_match_or_question_is_cut_from_a_result(
    site: str, browser: Browser, question: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{site}/?q={question.replace(' ', '+')}")
    asked = page.locator(".hit .snippet .asked").first
    expect(asked).to_have_text("Helps answer:")
    # At the usual size a result is read at a glance: its lines are cut, its matches not.
    assert page.evaluate(CUT) != []
    assert page.evaluate(HIDDEN_MARKS) == []
    adopt(page, ROOT_200)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    # Two lines at 32 px in the results' column held some 60 characters: the matches in a
    # summary's third line, and most of each question, were cut from view.
    assert page.evaluate(HIDDEN_MARKS) == []
    assert page.evaluate(CUT) == []
    fits(page)
    accessible(page)
    asked.scroll_into_view_if_needed()
    shoot(page, path=tmp_path_factory.mktemp("shots") / "results-root-200.png")
    context.close()
